// Where Tminus keeps its database, key file and models: Electron's userData in the desktop app; elsewhere the
// --data-dir flag, else TMINUS_HOME, else ~/.tminus.
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { TminusError } from '../errors';

export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  if (env.TMINUS_HOME) return resolve(env.TMINUS_HOME);
  return join(homedir(), '.tminus');
}

/** Creates the directory (owner-only) if missing; refuses a path that exists and is not a directory. */
export function ensureDataDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new TminusError('DATA_DIR_INVALID', `cannot create data directory ${dir}: ${(error as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new TminusError('DATA_DIR_INVALID', `data directory ${dir} exists and is not a directory`);
  }
  return dir;
}
