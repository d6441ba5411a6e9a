// Where shipped data lives (resources/: scenarios, profiles, models): beside the sources in a checkout, beside the
// build in out/, or in the desktop package's resources folder. TMINUS_RESOURCES overrides all of them.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function resourcesDir(): string {
  if (cached) return cached;
  if (process.env.TMINUS_RESOURCES) return (cached = resolve(process.env.TMINUS_RESOURCES));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(join(dir, 'resources', 'scenarios'))) return (cached = join(dir, 'resources'));
    dir = dirname(dir);
  }
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'resources'))) return (cached = join(packaged, 'resources'));
  throw new Error('cannot find the resources folder; set TMINUS_RESOURCES');
}

export const defaultScenarioFile = (): string => join(resourcesDir(), 'scenarios', 'default.yaml');
