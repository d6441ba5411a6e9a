// `tminus targets validate FILE`, `tminus targets schema`: check a profile; print the profile JSON Schema.
import { readDocumentFile } from '../common/document-file';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { profileCaveats, validateProfile } from '../targets';
import { profileJsonSchema } from '../targets/profile-json-schema';

export function registerTargetsCommand(program: Command): void {
  const targets = program.command('targets').description('target profiles');
  targets
    .command('validate <file>')
    .description('check a target profile; every problem with its path and line')
    .action((file: string) => {
      const text = readDocumentFile(file, 'PROFILE_INVALID', 'profile');
      const result = validateProfile(text);
      if (result.ok) {
        console.log(`${file}: valid profile '${result.profile.id}' (${result.profile.name})`);
        for (const caveat of profileCaveats(result.profile)) console.log(`  note: ${caveat}`);
        return;
      }
      for (const problem of result.problems) console.error(`${file}: ${problem.message}`);
      process.exitCode = 1;
    });
  targets
    .command('schema')
    .description('print the JSON Schema of target profiles (resources/profiles/profile.schema.json)')
    .option('--out <file>', 'write it to FILE')
    .action((flags: { out?: string }) => {
      const schema = profileJsonSchema();
      if (flags.out) writeFileSync(flags.out, schema);
      else process.stdout.write(schema);
    });
}
