// Entry of the `tminus` command (bin/tminus.js loads the built copy of this file).
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program';
import { TminusError } from './errors';

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof TminusError ? `${error.message} [${error.code}]` : (error as Error).message;
    console.error(`tminus: ${message}`);
    process.exitCode = 1;
  }
}

await main(process.argv);
