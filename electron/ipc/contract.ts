// The only door between the renderer and the main side: every call and every push-event topic, as zod schemas.
// TypeScript types are derived from the schemas here and nowhere else. Imported by the renderer too: zod only.
import { z } from 'zod';
import { CampaignSpecSchema } from '../engine/campaign-spec';
import { ScheduleInputSchema } from '../schedule/schedule-input';
import { AttemptFilterSchema } from '../reports/attempt-filter';
import { OutcomeSchema } from '../common/outcome';
import { DimensionSchema } from '../common/attribution-buckets';

import {
  ProblemSchema,
  AppInfoSchema,
  ValidateTargetInputSchema,
  ValidateTargetOutputSchema,
  SimStatusSchema,
  TimeSourceSpecSchema,
  ClockReportSchema,
  ClockStatusSchema,
  AccountStatusSchema,
  AccountViewSchema,
  FieldsEditSchema,
  CaptchaModelViewSchema,
  CaptchaTargetViewSchema,
  CaptchaTrainingSchema,
  ImportReportSchema,
  TargetIdSchema,
  AccountIdsSchema,
  CampaignViewSchema,
  AttemptViewSchema,
  ScheduleRunViewSchema,
  ScheduleViewSchema,
  AttributionRowSchema,
  AttemptRowSchema,
  ExportKindSchema,
  DeliveryResultSchema,
  NotifierInputSchema,
  NotifierViewSchema,
  ReconcileReportSchema,
  ReadinessSchema,
  ClusterStatusSchema,
} from './schemas';

export * from './schemas';
export { OutcomeSchema, DimensionSchema };

const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const calls = {
  'app/info': call(z.object({}).strict(), AppInfoSchema),
  'cluster/status': call(z.object({}).strict(), ClusterStatusSchema),
  /** A campaign dealt to the cluster's live nodes and coordinated by this process (it must have joined). */
  'cluster/run': call(CampaignSpecSchema, CampaignViewSchema),
  /** Joins with the cluster key in this data directory (Settings → Cluster); refused while in one already. */
  'cluster/join': call(
    z
      .object({
        url: z.string().min(1).max(2_000),
        name: z.string().max(100).optional(),
      })
      .strict(),
    ClusterStatusSchema,
  ),
  /** Leaves the cluster; refused while a cluster campaign runs through this console. */
  'cluster/leave': call(z.object({}).strict(), ClusterStatusSchema),
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
    z.array(z.object({ id: z.string(), name: z.string(), builtin: z.boolean(), timeZone: z.string() })),
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
        fields: FieldsEditSchema.optional(),
        secretFields: FieldsEditSchema.optional(),
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
  'campaigns/reconcile': call(z.object({ id: z.string().min(1) }).strict(), ReconcileReportSchema),
  /** A running campaign's readiness now; null when it is not running in this process. */
  'campaigns/readiness': call(z.object({ id: z.string().min(1) }).strict(), ReadinessSchema.nullable()),
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
          closedUntilServerMs: z.number().nullable(),
          usable: z.boolean(),
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
  /** `name`: the rehearsal campaign's name in the console's language, `{item}` for the item's id. */
  'sim/rehearse': call(z.object({ name: z.string().min(1).max(200).optional() }).strict(), CampaignViewSchema),
  'captcha/answer': call(
    z.object({ requestId: z.string().min(1), answer: z.string().min(1).max(64) }).strict(),
    z.object({ accepted: z.boolean() }),
  ),
  'captcha/models': call(
    z.object({}).strict(),
    z.object({ models: z.array(CaptchaModelViewSchema), targets: z.array(CaptchaTargetViewSchema) }),
  ),
  'captcha/set-model': call(
    z.object({ targetId: TargetIdSchema, model: z.string().min(1).max(100).nullable() }).strict(),
    CaptchaTargetViewSchema,
  ),
  'captcha/fine-tune': call(
    z.object({ targetId: TargetIdSchema, minutes: z.number().min(0.5).max(120).default(10) }).strict(),
    z.object({ started: z.boolean() }),
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
  'campaign/readiness': ReadinessSchema,
  /** The simulator's stock changed (pushed at most every 250 ms while it sells). */
  'sim/stock': z.object({
    nowServerMs: z.number(),
    items: z.array(z.object({ id: z.string(), remaining: z.number().int() })),
  }),
  /** The record could not be written (disk full, I/O error, busy) or could again; `pending` rows wait in memory. */
  'app/storage': z.object({
    ok: z.boolean(),
    code: z.string().nullable(),
    message: z.string().nullable(),
    pending: z.number().int(),
    atMs: z.number(),
  }),
  'attempt/recorded': z.object({
    campaignId: z.string(),
    attemptId: z.number().int(),
    accountId: z.number().int(),
    endpoint: z.string(),
    retry: z.number().int(),
    sentLocalMs: z.number(),
    /** Sent on the target's clock, where the sender said (a cluster node's attempt: its local clock is not ours). */
    sentServerMs: z.number().nullable().optional(),
    /** The cluster node that sent it; absent: this machine. */
    nodeId: z.string().optional(),
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
  'captcha/training': CaptchaTrainingSchema,
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
export type CaptchaModelViewWire = z.output<typeof CaptchaModelViewSchema>;
export type CaptchaTargetViewWire = z.output<typeof CaptchaTargetViewSchema>;
export type CaptchaTrainingWire = z.output<typeof CaptchaTrainingSchema>;
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
export type ReconcileReportWire = z.output<typeof ReconcileReportSchema>;
export type ReadinessWire = z.output<typeof ReadinessSchema>;

export const topics = Object.keys(events) as Topic[];
export const isTopic = (value: string): value is Topic => Object.hasOwn(events, value);
export const isCallName = (value: string): value is CallName => Object.hasOwn(calls, value);
