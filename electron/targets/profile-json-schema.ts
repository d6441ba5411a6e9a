// The target profile's JSON Schema, generated from the zod schema (so the two cannot disagree), for editors.
import { z } from 'zod';
import { TargetProfileSchema } from './profile-schema';

export function profileJsonSchema(): string {
  const schema = z.toJSONSchema(TargetProfileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return (
    JSON.stringify(
      {
        ...schema,
        $id: 'https://tminus.local/schemas/target-profile.json',
        title: 'Tminus target profile',
        description: 'A booking service described without code. Reference: docs/profiles.md.',
      },
      null,
      2,
    ) + '\n'
  );
}
