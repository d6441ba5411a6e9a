// A schedule as the operator writes it: a name, a cron expression in a named zone (when to arm), how long after each
// run the sale opens, and the campaign to arm (a campaign spec without its open instant). Plain zod: the IPC contract
// (and so the renderer) uses it too.
import { TimeZoneName } from '../common/bounds';
import { z } from 'zod';
import { CampaignSpecSchema } from '../engine/campaign-spec';

export const CampaignTemplateSchema = CampaignSpecSchema.omit({ opensAt: true, simulator: true });

export const ScheduleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    cron: z.string().trim().min(1).max(200).describe('when to arm, e.g. "59 7 * * *"'),
    timeZone: TimeZoneName.describe('IANA zone the cron expression is read in, e.g. Asia/Shanghai'),
    opensAfterMs: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(60_000)
      .describe('the open instant is each run plus this (default 60 s: arm at 07:59, open at 08:00)'),
    template: CampaignTemplateSchema,
    enabled: z.boolean().default(true),
  })
  .strict();

export type ScheduleInput = z.input<typeof ScheduleInputSchema>;
export type ScheduleSpec = z.output<typeof ScheduleInputSchema>;
