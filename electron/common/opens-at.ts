// When something opens, on the server's clock: `in 90s` / `in 500ms` / `in 2m` / `in 1h` from a reference instant,
// an ISO-8601 instant with an offset, or epoch milliseconds. Zod only: the renderer imports it through the contract.
import { z } from 'zod';

const RELATIVE = /^in\s+(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
/** The furthest a campaign may open: a year ahead ("in 99999999999h" is refused here, not after a draft exists). */
export const MAX_OPENS_IN_MS = 366 * 24 * 3_600_000;
/** Epoch instants from 2000 to 2200. */
const EPOCH_MS = { from: Date.UTC(2000, 0, 1), to: Date.UTC(2200, 0, 1) };

const relativeMs = (text: string): number | null => {
  const match = RELATIVE.exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : null;
};

const FORMS = 'expected "in N s|ms|m|h", an ISO-8601 instant with its offset, or epoch milliseconds';
const ISO = z.iso.datetime({ offset: true });

/** Why `value` is not an open instant, in words, or null. One message per problem (a union would say "Invalid input"). */
function opensAtProblem(value: string | number): string | null {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) return 'epoch milliseconds are a whole, non-negative number';
    return value < EPOCH_MS.to ? null : 'epoch milliseconds before 2200';
  }
  const relative = relativeMs(value);
  if (relative !== null) return relative <= MAX_OPENS_IN_MS ? null : 'at most a year ahead ("in 8784h")';
  if (!ISO.safeParse(value).success) return FORMS;
  const ms = Date.parse(value);
  return ms >= EPOCH_MS.from && ms < EPOCH_MS.to ? null : 'an instant from 2000 to 2200';
}

const opensAt = <T extends z.ZodType<string | number>>(base: T, allowItem: boolean) =>
  base.superRefine((value, ctx) => {
    if (allowItem && value === 'item') return;
    const problem = opensAtProblem(value as string | number);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const OpensAtSchema = opensAt(z.union([z.number(), z.string()]), false);
/** A campaign's open instant: as above, or 'item' (ask the built-in simulator). */
export const CampaignOpensAtSchema = opensAt(z.union([z.number(), z.string()]), true);

export type OpensAt = z.output<typeof OpensAtSchema>;

/** Epoch milliseconds on the server clock; `in N` counts from `referenceServerMs`. */
export function resolveOpensAt(opensAt: OpensAt, referenceServerMs: number): number {
  if (typeof opensAt === 'number') return opensAt;
  const relative = relativeMs(opensAt);
  return relative === null ? Date.parse(opensAt) : Math.round(referenceServerMs + relative);
}
