// Room left on the data directory's disk, checked while arming: a campaign that cannot write its record is refused
// before it leases anything, rather than found out at the open instant.
import { statfsSync } from 'node:fs';
import { TminusError } from '../errors';

/** The margin a campaign needs by default: its rows, the WAL and a checkpoint's copy. */
export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;

export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

export function requireFreeSpace(dir: string, minFreeBytes: number): void {
  const free = freeBytes(dir);
  if (free < minFreeBytes) {
    const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    throw new TminusError(
      'STORAGE_LOW',
      `only ${mib(free)} free on the disk of ${dir}; a campaign needs at least ${mib(minFreeBytes)} to keep its record`,
      { freeBytes: free, minFreeBytes },
    );
  }
}
