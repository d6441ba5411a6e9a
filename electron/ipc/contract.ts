// The only door between the renderer and the main side: every call and every push-event topic, as zod schemas.
// TypeScript types are derived from the schemas here and nowhere else. Imported by the renderer too: zod only.
import { z } from 'zod';

const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const ProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  databaseFile: z.string(),
  schemaVersion: z.number().int(),
  runtime: z.enum(['electron', 'node']),
  platform: z.object({ os: z.string(), arch: z.string(), node: z.string(), electron: z.string().nullable() }),
  onnxruntime: z.object({
    version: z.string().nullable(),
    providers: z.array(z.object({ name: z.string(), available: z.boolean(), note: z.string().optional() })),
  }),
});

export const ValidateTargetInputSchema = z.object({
  text: z.string().max(2_000_000, 'profile text is larger than 2 MB'),
  format: z.enum(['auto', 'yaml', 'json']).default('auto'),
});

export const ValidateTargetOutputSchema = z.object({
  ok: z.boolean(),
  format: z.enum(['yaml', 'json']),
  problems: z.array(ProblemSchema),
});

export const SimStatusSchema = z.object({
  running: z.boolean(),
  targetId: z.literal('simulator'),
  scenario: z.string().nullable(),
  nodes: z.array(z.string()),
  ntpPort: z.number().int().nullable(),
  serverSkewMs: z.number(),
  accounts: z.number().int(),
  nowServerMs: z.number().nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      stock: z.number().int(),
      remaining: z.number().int(),
      openAtServerMs: z.number(),
    }),
  ),
});

export const calls = {
  'app/info': call(z.object({}).strict(), AppInfoSchema),
  'targets/validate': call(ValidateTargetInputSchema, ValidateTargetOutputSchema),
  'sim/status': call(z.object({}).strict(), SimStatusSchema),
  'sim/start': call(
    z
      .object({
        scenario: z
          .string()
          .regex(/^[a-z0-9-]{1,64}$/, 'a shipped scenario name')
          .default('default'),
      })
      .strict(),
    SimStatusSchema,
  ),
  'sim/stop': call(z.object({}).strict(), SimStatusSchema),
} as const;

export const OutcomeSchema = z.enum([
  'success',
  'soldOut',
  'notOpen',
  'rateLimited',
  'captchaRequired',
  'captchaRejected',
  'unauthorized',
  'retryable',
  'fatal',
]);

export const CampaignStateSchema = z.enum([
  'draft',
  'armed',
  'firing',
  'completed',
  'cancelled',
  'failed',
  'interrupted',
]);

export const events = {
  'campaign/state': z.object({ campaignId: z.string(), state: CampaignStateSchema, atMs: z.number() }),
  'attempt/recorded': z.object({
    campaignId: z.string(),
    attemptId: z.number().int(),
    accountId: z.number().int(),
    endpoint: z.string(),
    retry: z.number().int(),
    sentLocalMs: z.number(),
    latencyMs: z.number().nullable(),
    outcome: OutcomeSchema,
  }),
  'clock/sample': z.object({
    source: z.string(),
    offsetMs: z.number(),
    boundMs: z.number(),
    delayMs: z.number(),
    atMs: z.number(),
  }),
  'account/changed': z.object({ accountId: z.number().int(), targetId: z.string() }),
  'sim/state': SimStatusSchema,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Calls[K]['output']>;

export type Events = typeof events;
export type Topic = keyof Events;
export type EventPayload<T extends Topic> = z.output<Events[T]>;

export type Problem = z.output<typeof ProblemSchema>;
export type AppInfo = z.output<typeof AppInfoSchema>;
export type Outcome = z.output<typeof OutcomeSchema>;
export type SimStatus = z.output<typeof SimStatusSchema>;
export type CampaignState = z.output<typeof CampaignStateSchema>;

export const topics = Object.keys(events) as Topic[];
export const isTopic = (value: string): value is Topic => Object.hasOwn(events, value);
export const isCallName = (value: string): value is CallName => Object.hasOwn(calls, value);
