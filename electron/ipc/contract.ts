// The only door between the renderer and the main side: every call and every push-event topic, as zod schemas.
// TypeScript types are derived from the schemas here and nowhere else. Imported by the renderer too: zod only.
import { z } from 'zod';
import { CampaignSpecSchema } from '../engine/campaign-spec';
import { ScheduleInputSchema } from '../schedule/schedule-input';
import { DeliveryResultSchema, NotifierInputSchema, NotifierViewSchema } from '../notify/notifier-config';
import { AttemptFilterSchema } from '../reports/attempt-filter';
import { OutcomeSchema } from '../common/outcome';

export { OutcomeSchema };

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
  captcha: z.object({
    provider: z.string().nullable(),
    note: z.string().nullable(),
    models: z.array(z.object({ name: z.string(), accuracy: z.number().nullable() })),
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

export const TimeSourceSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('ntp'), host: z.string().min(1), port: z.number().int().min(1).max(65535).default(123) })
    .strict(),
  z.object({ kind: z.literal('http-field'), url: z.url({ protocol: /^https?$/ }), field: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('http-date'), url: z.url({ protocol: /^https?$/ }) }).strict(),
]);

export const ClockReportSchema = z.object({
  atLocalMs: z.number(),
  sources: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['ntp', 'http-field', 'http-date']),
      ok: z.boolean(),
      error: z.string().nullable(),
      offsetMs: z.number().nullable(),
      boundMs: z.number().nullable(),
      delayMs: z.number().nullable(),
      samplesUsed: z.number().int(),
      samplesTotal: z.number().int(),
      driftPpm: z.number().nullable(),
      falseticker: z.boolean(),
    }),
  ),
  combined: z
    .object({
      offsetMs: z.number(),
      boundMs: z.number(),
      driftPpm: z.number().nullable(),
      truechimers: z.array(z.string()),
    })
    .nullable(),
});

export const ClockStatusSchema = z.object({
  last: ClockReportSchema.nullable(),
  current: z.object({ offsetMs: z.number(), boundMs: z.number(), ageMs: z.number() }).nullable(),
  samples: z.array(
    z.object({
      source: z.string(),
      kind: z.string(),
      takenAtLocalMs: z.number(),
      offsetMs: z.number(),
      boundMs: z.number(),
      delayMs: z.number(),
      driftPpm: z.number().nullable(),
      falseticker: z.boolean(),
    }),
  ),
});

export const AccountStatusSchema = z.enum(['active', 'cooling', 'locked', 'banned', 'disabled']);

/** An account as the renderer may see it: no password, no token, only whether they are there. */
export const AccountViewSchema = z.object({
  id: z.number().int(),
  targetId: z.string(),
  label: z.string(),
  username: z.string(),
  group: z.string(),
  priority: z.number().int(),
  tags: z.array(z.string()),
  status: AccountStatusSchema,
  coolingUntilMs: z.number().nullable(),
  notes: z.string(),
  attempts: z.number().int(),
  successes: z.number().int(),
  lastUsedAtMs: z.number().nullable(),
  lastOutcome: z.string().nullable(),
  leaseOwner: z.string().nullable(),
  leaseExpiresAtMs: z.number().nullable(),
  hasPassword: z.boolean(),
  hasTokens: z.boolean(),
  accessExpiresAtMs: z.number().nullable(),
  refreshExpiresAtMs: z.number().nullable(),
  signInNeeded: z.boolean(),
  signInError: z.string().nullable(),
});

export const ImportReportSchema = z.object({
  ok: z.boolean(),
  dryRun: z.boolean(),
  imported: z.number().int(),
  valid: z.number().int(),
  alreadyImported: z.array(z.object({ row: z.number().int(), username: z.string() })),
  problems: z.array(z.object({ row: z.number().int(), column: z.string().nullable(), reason: z.string() })),
});

const TargetIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a target id (lowercase letters, digits, _ and -)');
const AccountIdsSchema = z.array(z.number().int().positive()).min(1).max(100_000);

export const CampaignViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  targetId: z.string(),
  itemId: z.string(),
  openAtServerMs: z.number(),
  timeZone: z.string(),
  state: z.enum(['draft', 'armed', 'firing', 'completed', 'cancelled', 'failed', 'interrupted']),
  spec: z.unknown(),
  summary: z.unknown(),
  observedOpenAtServerMs: z.number().nullable(),
  createdAtMs: z.number(),
});

export const AttemptViewSchema = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  endpoint: z.string(),
  retry: z.number().int(),
  plannedSendLocalMs: z.number().nullable(),
  sentLocalMs: z.number(),
  sentServerMs: z.number().nullable(),
  serverReceivedMs: z.number().nullable(),
  latencyMs: z.number().nullable(),
  httpStatus: z.number().int().nullable(),
  outcome: z.string(),
  errorCode: z.string().nullable(),
  captchaConfidence: z.number().nullable(),
  orderId: z.string().nullable(),
});

export const ScheduleRunStateSchema = z.enum(['started', 'missed', 'skipped-overlap', 'failed']);

export const ScheduleRunViewSchema = z.object({
  scheduleId: z.number().int(),
  runAtMs: z.number(),
  state: ScheduleRunStateSchema,
  campaignId: z.string().nullable(),
  message: z.string().nullable(),
});

export const ScheduleViewSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  cron: z.string(),
  timeZone: z.string(),
  opensAfterMs: z.number(),
  template: z.unknown(),
  enabled: z.boolean(),
  lastRunAtMs: z.number().nullable(),
  lastCampaignId: z.string().nullable(),
  next: z.array(z.object({ armAtMs: z.number(), opensAtMs: z.number() })),
  recent: z.array(ScheduleRunViewSchema),
});

export const DimensionSchema = z.enum([
  'account',
  'endpoint',
  'fireOffset',
  'latency',
  'outcome',
  'errorClass',
  'captchaConfidence',
  'retry',
]);

export const AttributionRowSchema = z.object({
  bucket: z.string(),
  key: z.union([z.string(), z.number()]).nullable(),
  attempts: z.number().int(),
  successes: z.number().int(),
  successRate: z.number(),
});

export const AttemptRowSchema = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  username: z.string().nullable(),
  endpoint: z.string(),
  retry: z.number().int(),
  plannedSendServerMs: z.number().nullable(),
  sentServerMs: z.number().nullable(),
  serverReceivedMs: z.number().nullable(),
  latencyMs: z.number().nullable(),
  httpStatus: z.number().int().nullable(),
  outcome: z.string(),
  errorCode: z.string().nullable(),
  captchaConfidence: z.number().nullable(),
  orderId: z.string().nullable(),
});

export const ExportKindSchema = z.enum(['attempts', 'summary', 'attribution']);

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
  'clock/probe': call(
    z
      .object({
        sources: z.array(TimeSourceSpecSchema).min(1, 'name at least one time source').max(8),
        samples: z.number().int().min(1).max(64).default(8),
      })
      .strict(),
    ClockReportSchema,
  ),
  'clock/status': call(z.object({ sinceMs: z.number().optional() }).strict(), ClockStatusSchema),
  'targets/list': call(
    z.object({}).strict(),
    z.array(z.object({ id: z.string(), name: z.string(), builtin: z.boolean() })),
  ),
  'accounts/list': call(z.object({ targetId: TargetIdSchema }).strict(), z.array(AccountViewSchema)),
  'accounts/import': call(
    z
      .object({
        targetId: TargetIdSchema,
        fileBase64: z.base64().max(40_000_000, 'the file is larger than 30 MB'),
        encoding: z.enum(['utf-8', 'gbk', 'gb18030', 'big5', 'utf-16le']).default('utf-8'),
        dryRun: z.boolean(),
      })
      .strict(),
    ImportReportSchema,
  ),
  'accounts/export': call(z.object({ targetId: TargetIdSchema }).strict(), z.object({ csv: z.string() })),
  'accounts/update': call(
    z
      .object({
        id: z.number().int().positive(),
        label: z.string().max(200).optional(),
        group: z.string().max(100).optional(),
        priority: z.number().int().min(-1000).max(1000).optional(),
        tags: z.array(z.string().min(1).max(50)).max(50).optional(),
        notes: z.string().max(2000).optional(),
      })
      .strict(),
    AccountViewSchema,
  ),
  'accounts/set-status': call(
    z
      .object({
        ids: AccountIdsSchema,
        status: AccountStatusSchema,
        coolingForMs: z
          .number()
          .int()
          .positive()
          .max(7 * 86_400_000)
          .optional(),
      })
      .strict(),
    z.object({ changed: z.number().int() }),
  ),
  'accounts/remove': call(z.object({ ids: AccountIdsSchema }).strict(), z.object({ removed: z.number().int() })),
  'accounts/sign-in': call(
    z.object({ ids: AccountIdsSchema.max(5_000) }).strict(),
    z.array(
      z.object({ id: z.number().int(), ok: z.boolean(), action: z.string().nullable(), error: z.string().nullable() }),
    ),
  ),
  'accounts/browser-login': call(z.object({ id: z.number().int().positive() }).strict(), AccountViewSchema),
  'campaigns/create': call(CampaignSpecSchema, CampaignViewSchema),
  'campaigns/update': call(z.object({ id: z.string().min(1), spec: CampaignSpecSchema }).strict(), CampaignViewSchema),
  'campaigns/list': call(z.object({}).strict(), z.array(CampaignViewSchema)),
  'campaigns/get': call(z.object({ id: z.string().min(1) }).strict(), CampaignViewSchema),
  'campaigns/arm': call(z.object({ id: z.string().min(1) }).strict(), CampaignViewSchema),
  'campaigns/cancel': call(z.object({ id: z.string().min(1) }).strict(), CampaignViewSchema),
  'attempts/list': call(
    z
      .object({
        campaignId: z.string().min(1),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5_000).default(500),
      })
      .strict(),
    z.object({ total: z.number().int(), attempts: z.array(AttemptViewSchema) }),
  ),
  'schedules/list': call(z.object({}).strict(), z.array(ScheduleViewSchema)),
  'schedules/add': call(ScheduleInputSchema, ScheduleViewSchema),
  'schedules/remove': call(z.object({ id: z.number().int().positive() }).strict(), z.object({ removed: z.boolean() })),
  'schedules/set-enabled': call(
    z.object({ id: z.number().int().positive(), enabled: z.boolean() }).strict(),
    ScheduleViewSchema,
  ),
  'notifiers/list': call(z.object({}).strict(), z.array(NotifierViewSchema)),
  'notifiers/save': call(
    z.object({ id: z.number().int().positive().optional(), notifier: NotifierInputSchema }).strict(),
    NotifierViewSchema,
  ),
  'notifiers/remove': call(z.object({ id: z.number().int().positive() }).strict(), z.object({ removed: z.boolean() })),
  'notifiers/test': call(z.object({ id: z.number().int().positive() }).strict(), DeliveryResultSchema),
  'campaigns/accounts': call(
    z.object({ id: z.string().min(1) }).strict(),
    z.array(
      z.object({
        accountId: z.number().int(),
        username: z.string(),
        status: z.string(),
        leased: z.boolean(),
        attempts: z.number().int(),
        successes: z.number().int(),
        lastOutcome: z.string().nullable(),
      }),
    ),
  ),
  'attempts/query': call(
    z
      .object({
        campaignId: z.string().min(1),
        filter: AttemptFilterSchema.default({}),
        sort: z
          .object({
            field: z.enum(['id', 'sentServerMs', 'latencyMs', 'retry', 'outcome', 'accountId', 'endpoint']),
            order: z.enum(['asc', 'desc']),
          })
          .strict()
          .optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1_000).default(200),
      })
      .strict(),
    z.object({ total: z.number().int(), rows: z.array(AttemptRowSchema) }),
  ),
  'reports/attribution': call(
    z.object({ campaignId: z.string().min(1), dimension: DimensionSchema }).strict(),
    z.object({ rows: z.array(AttributionRowSchema) }),
  ),
  'reports/open-history': call(
    z.object({ targetId: TargetIdSchema }).strict(),
    z.object({
      campaigns: z.array(
        z.object({
          campaignId: z.string(),
          name: z.string(),
          openAtServerMs: z.number(),
          observedOpenAtServerMs: z.number(),
          deltaMs: z.number(),
        }),
      ),
      suggestedLeadMs: z.number().nullable(),
    }),
  ),
  'reports/save-csv': call(
    z
      .object({
        kind: ExportKindSchema,
        campaignId: z.string().min(1),
        filter: AttemptFilterSchema.default({}),
        bom: z.boolean().default(false),
      })
      .strict(),
    z.object({ path: z.string().nullable(), rows: z.number().int() }),
  ),
  'sim/rehearse': call(z.object({}).strict(), CampaignViewSchema),
  'captcha/answer': call(
    z.object({ requestId: z.string().min(1), answer: z.string().min(1).max(64) }).strict(),
    z.object({ accepted: z.boolean() }),
  ),
} as const;

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
  'schedule/run': ScheduleRunViewSchema,
  'notification/sent': DeliveryResultSchema.extend({
    notifierId: z.number().int(),
    name: z.string(),
    event: z.enum(['first-success', 'campaign-end', 'test']),
    campaignId: z.string().nullable(),
  }),
  'notification/desktop': z.object({ title: z.string(), text: z.string(), sound: z.boolean() }),
  'captcha/needed': z.object({
    requestId: z.string(),
    campaignId: z.string(),
    accountId: z.number().int(),
    imageBase64: z.string(),
    expiresAtMs: z.number(),
  }),
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
export type ClockReportWire = z.output<typeof ClockReportSchema>;
export type ClockStatus = z.output<typeof ClockStatusSchema>;
export type AccountViewWire = z.output<typeof AccountViewSchema>;
export type ImportReportWire = z.output<typeof ImportReportSchema>;
export type CampaignState = z.output<typeof CampaignStateSchema>;
export type ScheduleViewWire = z.output<typeof ScheduleViewSchema>;
export type NotifierViewWire = z.output<typeof NotifierViewSchema>;
export type AttributionRowWire = z.output<typeof AttributionRowSchema>;
export type AttemptRowWire = z.output<typeof AttemptRowSchema>;
export type DimensionWire = z.output<typeof DimensionSchema>;
export type CampaignViewWire = z.output<typeof CampaignViewSchema>;

export const topics = Object.keys(events) as Topic[];
export const isTopic = (value: string): value is Topic => Object.hasOwn(events, value);
export const isCallName = (value: string): value is CallName => Object.hasOwn(calls, value);
