import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { profileJsonSchema } from '../../electron/targets/profile-json-schema';
import { validateProfile } from '../../electron/targets';

describe('target profile schema', () => {
  it('the committed JSON Schema is the one generated from the zod schema (npm run schema)', () => {
    expect(readFileSync('resources/profiles/profile.schema.json', 'utf8')).toBe(profileJsonSchema());
  });

  it('the shipped simulator profile is valid', () => {
    const result = validateProfile(readFileSync('resources/profiles/simulator.yaml', 'utf8'));
    expect(result.ok && result.profile.id).toBe('simulator');
  });

  it('a profile without endpoints is refused unless it is the built-in one', () => {
    const text = readFileSync('resources/profiles/simulator.yaml', 'utf8').replace('builtin: true', 'builtin: false');
    const result = validateProfile(text);
    expect(!result.ok && result.problems[0]!.message).toMatch(/^endpoints: at least one endpoint is needed/);
  });
});
