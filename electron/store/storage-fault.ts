// Which errors mean "the disk or the database cannot take a write now" (full, I/O error, busy, read-only) — the
// faults a campaign survives by keeping its record in memory until a write goes through — as opposed to bugs.
export interface StorageFault {
  code: string;
  message: string;
  sinceMs: number;
}

const FAULT_CODES = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|PROTOCOL|NOMEM)/;
const ERRNO_CODES = new Set(['ENOSPC', 'EIO', 'EROFS', 'EDQUOT']);

export function storageFaultCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  return FAULT_CODES.test(code) || ERRNO_CODES.has(code) ? code : null;
}

/**
 * Runs a write whose loss under a storage fault costs nothing the record promises (health counters, lease renewal,
 * clock history): a storage fault is swallowed, any other error is thrown.
 */
export function writeIfStorageAllows(write: () => unknown): void {
  try {
    write();
  } catch (error) {
    if (storageFaultCode(error) === null) throw error;
  }
}
