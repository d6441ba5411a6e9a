// A simulator scenario: what the built-in booking service sells, to whom, how fast its nodes answer, how wrong its
// clock is, and how it defends itself. Loaded from YAML or JSON; every error names its field and line.
import { readDocumentFile } from '../common/document-file';
import { z } from 'zod';
import { parseValidatedDocument, describeProblems } from '../common/validated-document';
import { TminusError } from '../errors';
import { OpensAtSchema } from '../common/opens-at';

const nonNegative = z.number().finite().nonnegative();
const rate = z.number().min(0).max(1);

const LatencySchema = z
  .object({
    baseMs: nonNegative.default(0),
    jitterMs: nonNegative.default(0),
    outMs: nonNegative.optional(),
    backMs: nonNegative.optional(),
  })
  .strict()
  .refine(
    (latency) =>
      latency.jitterMs <= Math.min(latency.outMs ?? latency.baseMs, latency.backMs ?? latency.baseMs) ||
      latency.jitterMs === 0,
    {
      message: 'jitterMs must not exceed the one-way latency (a delay cannot be negative)',
      path: ['jitterMs'],
    },
  );

const FaultsSchema = z
  .object({
    errorRate: rate.default(0),
    resetRate: rate.default(0),
    dropResponseRate: rate.default(0),
    hangRate: rate.default(0),
  })
  .strict();

const NodeOverrideSchema = z.object({ latency: LatencySchema.optional(), faults: FaultsSchema.optional() }).strict();

const BucketSchema = z.object({ ratePerSec: z.number().positive(), burst: z.number().int().positive() }).strict();

export const ScenarioSchema = z
  .object({
    name: z.string().min(1).default('scenario'),
    seed: z.number().int().default(1),
    clock: z
      .object({ skewMs: z.number().finite().default(0), driftPpm: z.number().min(-1000).max(1000).default(0) })
      .strict()
      .default({ skewMs: 0, driftPpm: 0 }),
    items: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (at most 64)'),
            name: z.string().min(1),
            stock: z.number().int().nonnegative(),
            perAccountLimit: z.number().int().positive().default(1),
            opensAt: OpensAtSchema,
          })
          .strict(),
      )
      .min(1, 'at least one item is needed')
      .refine((items) => new Set(items.map((item) => item.id)).size === items.length, 'item ids must be unique'),
    accounts: z
      .object({
        count: z.number().int().min(1).max(100_000),
        usernamePrefix: z
          .string()
          .regex(/^[a-z][a-z0-9_]*$/)
          .default('user'),
        passwordPrefix: z.string().min(1).default('pass-'),
      })
      .strict(),
    nodes: z
      .object({
        count: z.number().int().min(1).max(16).default(1),
        latency: LatencySchema.default({ baseMs: 0, jitterMs: 0 }),
        faults: FaultsSchema.default({ errorRate: 0, resetRate: 0, dropResponseRate: 0, hangRate: 0 }),
        each: z.array(NodeOverrideSchema).default([]),
      })
      .strict()
      .default({
        count: 1,
        latency: { baseMs: 0, jitterMs: 0 },
        faults: { errorRate: 0, resetRate: 0, dropResponseRate: 0, hangRate: 0 },
        each: [],
      })
      .refine((nodes) => nodes.each.length <= nodes.count, {
        message: 'more entries in each than nodes',
        path: ['each'],
      }),
    tokens: z
      .object({
        accessTtlMs: z.number().int().positive().default(600_000),
        refreshTtlMs: z.number().int().positive().default(86_400_000),
      })
      .strict()
      .default({ accessTtlMs: 600_000, refreshTtlMs: 86_400_000 }),
    captcha: z
      .object({
        mode: z.enum(['off', 'book', 'login']).default('off'),
        ttlMs: z.number().int().positive().default(60_000),
        revealAnswers: z.boolean().default(false),
        serve: z
          .enum(['json', 'image'])
          .default('json')
          .describe('json: base64 in a JSON body; image: the PNG bytes, its id in the X-Captcha-Id header'),
      })
      .strict()
      .default({ mode: 'off', ttlMs: 60_000, revealAnswers: false, serve: 'json' }),
    limits: z
      .object({
        perAccount: BucketSchema.optional(),
        perClient: BucketSchema.optional(),
        clientCoversTime: z
          .boolean()
          .default(false)
          .describe('the per-client bucket counts the time endpoint too (strict: every request of the client)'),
      })
      .strict()
      .default({ clientCoversTime: false }),
    admission: z
      .object({
        enabled: z.boolean().default(false),
        windowMs: z.number().int().min(10).default(100),
        threshold: z.number().positive().default(1_000),
        ewmaAlpha: z.number().gt(0).max(1).default(0.3),
      })
      .strict()
      .default({ enabled: false, windowMs: 100, threshold: 1_000, ewmaAlpha: 0.3 }),
    riskControl: z
      .object({
        enabled: z.boolean().default(true),
        violationsBeforeBan: z.number().int().positive().default(3),
        banMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .default({ enabled: true, violationsBeforeBan: 3, banMs: 60_000 }),
    auth: z
      .enum(['token', 'cookie', 'none'])
      .default('token')
      .describe(
        'token: JSON sign-in, Bearer tokens; cookie: a form sign-in that sets a session cookie (sid), form bodies; ' +
          'none: no sign-in, the booking names its user (field or header `user`)',
      ),
    booking: z
      .enum(['direct', 'queued', 'hold-confirm'])
      .default('direct')
      .describe(
        'queued: a booking is answered 202 with a ticket and decided queueMs later (GET /api/queue/TICKET); ' +
          'hold-confirm: POST /api/items/ID/hold first (a holdId), then the booking names it (field holdId)',
      ),
    queueMs: z.number().int().min(0).max(60_000).default(300),
    requirePassenger: z
      .boolean()
      .default(false)
      .describe('a booking must name a passengerId (an account field in Tminus); the order records it'),
    idempotency: z
      .enum(['honoured', 'ignored'])
      .default('honoured')
      .describe('ignored: a repeated Idempotency-Key books again (as many services do); honoured: it replays'),
    ntp: z
      .object({ enabled: z.boolean().default(true), port: z.number().int().min(0).max(65535).default(0) })
      .strict()
      .default({ enabled: true, port: 0 }),
  })
  .strict();

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type NodeLatency = z.output<typeof LatencySchema>;
export type NodeFaults = z.output<typeof FaultsSchema>;

export function parseScenario(text: string, source = 'scenario'): Scenario {
  const result = parseValidatedDocument(text, ScenarioSchema);
  if (!result.ok) {
    throw new TminusError(
      'SCENARIO_INVALID',
      `${source} is not a valid scenario:\n${describeProblems(result.problems)}`,
      {
        problems: result.problems,
      },
    );
  }
  return result.value;
}

export function loadScenarioFile(file: string): Scenario {
  return parseScenario(readDocumentFile(file, 'SCENARIO_INVALID', 'scenario'), file);
}

export function scenarioFromObject(input: ScenarioInput): Scenario {
  const result = ScenarioSchema.safeParse(input);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new TminusError('SCENARIO_INVALID', `invalid scenario: ${first?.path.join('.')}: ${first?.message}`);
  }
  return result.data;
}

export { resolveOpensAt } from '../common/opens-at';

export const accountUsername = (scenario: Scenario, index: number): string =>
  `${scenario.accounts.usernamePrefix}${String(index + 1).padStart(4, '0')}`;
export const accountPassword = (scenario: Scenario, index: number): string =>
  `${scenario.accounts.passwordPrefix}${String(index + 1).padStart(4, '0')}`;
