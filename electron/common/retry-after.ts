// Retry-After as targets send it: an exact `Retry-After-Ms`, or `Retry-After` in seconds or as an HTTP date.
/** The target's requested wait in ms from `Retry-After-Ms` or `Retry-After` (seconds or an HTTP date), or null. */
export function retryAfterMs(
  headers: Record<string, string | string[] | undefined>,
  nowEpochMs: number,
): number | null {
  const pick = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const exact = Number(pick('retry-after-ms'));
  if (Number.isFinite(exact) && exact >= 0 && pick('retry-after-ms') !== undefined) return exact;
  const header = pick('retry-after');
  if (header === undefined) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowEpochMs) : null;
}
