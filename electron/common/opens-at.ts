// When something opens, on the server's clock: `in 90s` / `in 500ms` / `in 2m` / `in 1h` from a reference instant,
// an ISO-8601 instant with an offset, or epoch milliseconds. Zod only: the renderer imports it through the contract.
import { z } from 'zod';

const RELATIVE = /^in\s+(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

export const OpensAtSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(RELATIVE, 'expected "in N s|ms|m|h", an ISO-8601 instant or epoch milliseconds')
    .or(
      z.iso.datetime({ offset: true, message: 'expected "in N s|ms|m|h", an ISO-8601 instant or epoch milliseconds' }),
    ),
]);

export type OpensAt = z.output<typeof OpensAtSchema>;

/** Epoch milliseconds on the server clock; `in N` counts from `referenceServerMs`. */
export function resolveOpensAt(opensAt: OpensAt, referenceServerMs: number): number {
  if (typeof opensAt === 'number') return opensAt;
  const relative = RELATIVE.exec(opensAt);
  if (!relative) return Date.parse(opensAt);
  const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[relative[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(referenceServerMs + Number(relative[1]) * unitMs);
}
