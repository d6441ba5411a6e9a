// A campaign as the operator writes it (YAML for `tminus run`, the form in the console): which target and item,
// when it opens on the server's clock, which accounts, which strategy, and limits no looser than the profile's.
import { z } from 'zod';
import { CampaignOpensAtSchema } from '../common/opens-at';
import { BookingsPerAccount, RatePerSec, TimeZoneName } from '../common/bounds';

export const CampaignSpecSchema = z
  .object({
    name: z.string().min(1).max(200),
    target: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a target id'),
    item: z.string().min(1).max(200),
    opensAt: CampaignOpensAtSchema.describe(
      'on the server clock: epoch ms, ISO-8601, "in N s", or "item" (ask the built-in simulator)',
    ),
    timeZone: TimeZoneName.optional(),
    accounts: z
      .object({
        count: z.number().int().min(1).max(100_000),
        group: z.string().optional(),
        tag: z.string().optional(),
        ids: z.array(z.number().int().positive()).max(100_000).optional(),
        bookingsPerAccount: BookingsPerAccount.describe(
          'accounts holding this many bookings of the item (the ledger, all campaigns) are left out',
        ),
      })
      .strict(),
    strategy: z
      .object({
        kind: z.enum(['single', 'salvo']).default('single'),
        salvo: z.number().int().min(2).max(10).default(3),
        leadMs: z
          .number()
          .min(-5_000)
          .max(5_000)
          .default(0)
          .describe('send this much earlier (+) or later (−) than the corrected instant'),
        burst: z
          .enum(['on-time', 'centered'])
          .default('on-time')
          .describe(
            'accounts due together: on-time releases them all at the instant (none arrives early); centered starts ' +
              'them early by their calibrated lateness so that their median arrives on time (half arrive early)',
          ),
      })
      .strict()
      .default({ kind: 'single', salvo: 3, leadMs: 0, burst: 'on-time' }),
    limits: z
      .object({
        maxDurationMs: z.number().int().min(100).max(3_600_000).default(120_000),
        targetRatePerSec: RatePerSec.optional(),
        accountRatePerSec: RatePerSec.optional(),
      })
      .strict()
      .default({ maxDurationMs: 120_000 }),
    armLeadMs: z.number().int().min(0).max(3_600_000).default(60_000),
    notify: z
      .array(z.number().int().positive())
      .max(20)
      .optional()
      .describe('notifier ids told about the first success and the end'),
    clockSyncEveryMs: z.number().int().min(1_000).max(3_600_000).default(15_000),
    simulator: z
      .object({ scenario: z.string().min(1) })
      .strict()
      .optional()
      .describe('`tminus run`: the scenario to start'),
  })
  .strict();

export type CampaignSpec = z.output<typeof CampaignSpecSchema>;
export type CampaignSpecInput = z.input<typeof CampaignSpecSchema>;
