// The shapes the contract's calls and events carry (views of accounts, campaigns, attempts, schedules, reports,
// clock reports, the simulator's status). Plain zod: the renderer imports them through the contract.
import { FIELD_NAME, MAX_FIELDS } from '../common/account-field-name';
import { z } from 'zod';
import { DeliveryResultSchema, NotifierInputSchema, NotifierViewSchema } from '../notify/notifier-config';

export { DeliveryResultSchema, NotifierInputSchema, NotifierViewSchema };

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
  /** What the valid profile leaves the operator without (no orderStatus: no reconciliation), in words. */
  caveats: z.array(z.string()).default([]),
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
  /** Plain fields with their values; secret fields by name only. */
  fields: z.record(z.string(), z.string()),
  secretFields: z.array(z.string()),
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

export const TargetIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a target id (lowercase letters, digits, _ and -)');
/** A captcha model as the console's captcha panel shows it: its card's figures and who uses it. */
export const CaptchaModelViewSchema = z.object({
  name: z.string(),
  shipped: z.boolean(),
  charset: z.string(),
  caseInsensitive: z.boolean(),
  input: z.object({ height: z.number().int(), width: z.number().int() }),
  accuracy: z.number().nullable(),
  perStyle: z.record(z.string(), z.object({ samples: z.number().int(), sequence: z.number() })),
  training: z.record(z.string(), z.unknown()),
  createdAt: z.string().nullable(),
  usedBy: z.array(z.string()),
});

export const CaptchaTrainingSchema = z.object({
  targetId: z.string(),
  state: z.enum(['running', 'switched', 'kept', 'failed']),
  stage: z.string(),
  line: z.string().nullable(),
  baseAccuracy: z.number().nullable(),
  tunedAccuracy: z.number().nullable(),
  model: z.string().nullable(),
  message: z.string().nullable(),
});

/** A target's captcha reading: its model (chosen here or by the profile) and its kept samples. */
export const CaptchaTargetViewSchema = z.object({
  targetId: z.string(),
  name: z.string(),
  model: z.string().nullable(),
  chosen: z.boolean(),
  samples: z.object({
    waiting: z.number().int(),
    usable: z.number().int(),
    rejected: z.number().int(),
    total: z.number().int(),
  }),
  training: CaptchaTrainingSchema.nullable(),
});

/** An edit of account fields: a value sets one, null removes it. */
export const FieldsEditSchema = z
  .record(z.string().regex(FIELD_NAME, 'a field name'), z.string().max(2000).nullable())
  .refine((edit) => Object.keys(edit).length <= MAX_FIELDS, `at most ${MAX_FIELDS} fields`);

export const AccountIdsSchema = z.array(z.number().int().positive()).min(1).max(100_000);

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
  /** Why arming or the run failed, in words. */
  errorMessage: z.string().nullable(),
  /** Where a campaign coordinated across a cluster was dealt; null: driven by this machine. */
  cluster: z.string().nullable(),
  /** Each account's booking as the record holds it; `unknown` ones wait for reconciliation. */
  intents: z.object({
    prepared: z.number().int(),
    sent: z.number().int(),
    unknown: z.number().int(),
    booked: z.number().int(),
    notBooked: z.number().int(),
  }),
});

/** What a running campaign has ready (the operations board at T−60 s), pushed every second while it runs. */
export const ReadinessSchema = z.object({
  campaignId: z.string(),
  atMs: z.number(),
  /** waiting: armed, not yet arming (it arms `armLeadMs` before the instant); arming; ready; firing; done. */
  phase: z.enum(['waiting', 'arming', 'ready', 'firing', 'done']),
  accounts: z.object({
    leased: z.number().int(),
    /** False where the target needs no sign-in (then `signedIn` is 0). */
    signInNeeded: z.boolean(),
    signedIn: z.number().int(),
    satOut: z.number().int(),
    /** Sat out by reason (sign-in, fields, breaker, budget …). */
    byReason: z.record(z.string(), z.number().int()),
    /** Left out before leasing: booked already in the record, or a result still unknown. */
    alreadyBooked: z.number().int(),
    unsettled: z.number().int(),
  }),
  /** The target's endpoints and their breakers; null before arming has opened them. */
  endpoints: z.array(
    z.object({ url: z.string(), breaker: z.enum(['closed', 'open', 'half-open']).nullable(), sent: z.number().int() }),
  ),
  captcha: z.enum(['notNeeded', 'loading', 'ready']),
  /** This campaign's clock (its target's time source): offset ± bound now and the estimate's age; null before its probe. */
  clock: z.object({ offsetMs: z.number(), boundMs: z.number(), ageMs: z.number() }).nullable(),
  /** Accounts whose booking is in; accounts done (booked or not). */
  booked: z.number().int(),
  done: z.number().int(),
});

export const ReconcileReportSchema = z.object({
  campaignId: z.string(),
  checked: z.number().int(),
  found: z.number().int(),
  notFound: z.number().int(),
  unknown: z.number().int(),
  error: z.string().nullable(),
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
  /** The cluster node that sent it; null: this machine. */
  nodeId: z.string().nullable(),
});

export const ExportKindSchema = z.enum(['attempts', 'summary', 'attribution']);

/** One node of the cluster as the registry shows it (electron/cluster/node-registry.ts). */
export const ClusterNodeSchema = z.object({
  nodeId: z.string(),
  name: z.string(),
  health: z.enum(['live', 'isolated']),
  lastSeenAgoMs: z.number(),
  heartbeatMs: z.number(),
  startedAtMs: z.number(),
  version: z.string(),
  accountsHeld: z.number().int(),
  campaignId: z.string().nullable(),
  clock: z.object({ offsetMs: z.number(), boundMs: z.number() }).nullable(),
  roundTripMs: z.number().nullable(),
  shots: z.number().int(),
  successes: z.number().int(),
});

/** This console's place in a cluster: joined (where, as which node, and every node it sees) or not. */
export const ClusterStatusSchema = z.object({
  joined: z.boolean(),
  /** The Redis it joined, without the password. */
  where: z.string().nullable(),
  nodeId: z.string().nullable(),
  name: z.string().nullable(),
  nodes: z.array(ClusterNodeSchema),
  /** Why the nodes could not be listed just now (Redis away); null when they were. */
  error: z.string().nullable(),
});
export type ClusterStatusWire = z.infer<typeof ClusterStatusSchema>;
