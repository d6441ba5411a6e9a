// Options every `tminus` command takes.
import { resolveDataDir } from '../store';

export interface GlobalOptions {
  dataDir?: string;
}

export const dataDirFrom = (options: GlobalOptions): string => resolveDataDir(options.dataDir);
