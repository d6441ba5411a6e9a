// The target profile: a booking service described without code. Everything the engine sends and everything it reads
// back is here — requests as templates, answers as JMESPath matchers — with the limits the operator may not exceed.
import { z } from 'zod';
import { OutcomeSchema } from '../ipc/contract';
import { BookingsPerAccount, Burst, DurationMs, HeaderValue, RatePerSec, TimeZoneName } from '../common/bounds';

const Path = z.string().regex(/^\//, 'a path starting with /');
const Jmes = z.string().min(1);
const HeaderMap = z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'), HeaderValue);

export const RequestTemplateSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    path: Path.describe('path template, e.g. /api/items/{{campaign.item}}/book'),
    headers: HeaderMap.default({}),
    json: z.unknown().optional().describe('JSON body; every string in it is a template'),
  })
  .strict();

const TokenFieldsSchema = z
  .object({
    access: Jmes.describe('JMESPath to the access token in the answer'),
    refresh: Jmes.optional(),
    accessExpiresInMs: Jmes.optional(),
    refreshExpiresInMs: Jmes.optional(),
  })
  .strict();

const StatusMatch = z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]);

export const MatcherSchema = z
  .object({
    status: StatusMatch.optional().describe('HTTP status (or list) this matcher applies to; absent = any'),
    when: Jmes.optional().describe('JMESPath test on the JSON body; truthy = match'),
    network: z.boolean().optional().describe('matches a request that got no HTTP answer (reset, timeout)'),
    outcome: OutcomeSchema,
    extract: z.record(z.string(), Jmes).default({}).describe('fields to keep from the body, e.g. orderId'),
  })
  .strict();

export const TargetProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -'),
    name: z.string().min(1),
    builtin: z.boolean().default(false).describe('the built-in simulator: endpoints are its running nodes'),
    timeZone: TimeZoneName.default('UTC'),
    endpoints: z.array(z.url({ protocol: /^https?$/ })).default([]),
    limits: z
      .object({
        targetRatePerSec: RatePerSec,
        targetBurst: Burst,
        accountRatePerSec: RatePerSec,
        accountBurst: Burst,
        concurrency: z.number().int().min(1).max(4096).default(256),
        timeoutMs: z.number().int().min(50).max(120_000).default(5_000),
        bookingsPerAccount: BookingsPerAccount.describe(
          'how many bookings of one item an account may hold (a campaign may not ask for more)',
        ),
      })
      .strict(),
    retry: z
      .object({
        baseMs: DurationMs.default(50),
        maxMs: DurationMs.default(2_000),
        notOpenMs: DurationMs.default(20).describe('wait after an answer that the sale is not open yet'),
      })
      .strict()
      .default({ baseMs: 50, maxMs: 2_000, notOpenMs: 20 }),
    breaker: z
      .object({
        failures: z.number().int().min(1).max(10_000).default(5),
        windowMs: z.number().int().min(100).max(3_600_000).default(10_000),
        openMs: z.number().int().min(10).max(3_600_000).default(2_000),
      })
      .strict()
      .default({ failures: 5, windowMs: 10_000, openMs: 2_000 }),
    time: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('http-field'), path: Path, field: Jmes }).strict(),
        z.object({ kind: z.literal('http-date'), path: Path }).strict(),
        z
          .object({
            kind: z.literal('ntp'),
            host: z.string().min(1),
            port: z.number().int().min(1).max(65535).default(123),
          })
          .strict(),
      ])
      .describe('where the target tells its time'),
    serverTimeHeader: z.string().optional().describe('response header carrying the server receive instant (epoch ms)'),
    errorCode: Jmes.default('code').describe('JMESPath to an error code in an answer body'),
    auth: z
      .object({
        login: z.object({ request: RequestTemplateSchema, tokens: TokenFieldsSchema }).strict(),
        refresh: z.object({ request: RequestTemplateSchema, tokens: TokenFieldsSchema }).strict().optional(),
        header: z
          .object({ name: z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'), value: HeaderValue.min(1) })
          .strict(),
        health: RequestTemplateSchema.optional(),
        browser: z
          .object({ loginPath: Path, accessCookie: z.string().min(1), refreshCookie: z.string().optional() })
          .strict()
          .optional(),
      })
      .strict(),
    captcha: z
      .object({
        fetch: RequestTemplateSchema,
        image: Jmes.describe('JMESPath to the base64 image'),
        id: Jmes.describe('JMESPath to the captcha id'),
        debugAnswer: Jmes.optional().describe('JMESPath to a revealed answer (simulator debug mode only)'),
        model: z.string().default('captcha-sim'),
        minConfidence: z.number().min(0).max(1).default(0.9),
        onLowConfidence: z.enum(['refetch', 'operator']).default('refetch'),
        prefetch: z
          .boolean()
          .default(false)
          .describe('may a captcha be fetched while arming, before the open instant?'),
        requiredFor: z
          .enum(['book', 'when-asked', 'none'])
          .default('when-asked')
          .describe(
            'book: fetch one for every booking; when-asked: only after a captchaRequired/captchaRejected answer',
          ),
      })
      .strict()
      .optional(),
    book: z
      .object({
        request: RequestTemplateSchema,
        idempotencyKeyHonoured: z
          .boolean()
          .default(false)
          .describe(
            'does the target answer a repeated {{attempt.key}} with its first result instead of booking again? ' +
              'Then a retry after a lost answer is safe; else the order lookup settles it first',
          ),
      })
      .strict(),
    outcomes: z
      .array(MatcherSchema)
      .min(1)
      .describe('first match wins; a network failure without a matcher is retryable'),
    orderStatus: z
      .object({
        request: RequestTemplateSchema,
        found: MatcherSchema.omit({ outcome: true, network: true }),
        notFound: MatcherSchema.omit({ outcome: true, network: true })
          .default({ status: 404, extract: {} })
          .describe('the answer that says no booking exists (any other answer settles nothing)'),
      })
      .strict()
      .optional()
      .describe(
        'how to ask whether a booking exists: settles lost answers and reconciles after a crash. Without it an ' +
          'account whose answer was lost stops (unless the key is honoured) and its result stays unknown',
      ),
  })
  .strict()
  .refine((profile) => profile.builtin || profile.endpoints.length > 0, {
    message: 'at least one endpoint is needed (or builtin: true)',
    path: ['endpoints'],
  });

export type TargetProfile = z.output<typeof TargetProfileSchema>;
export type RequestTemplate = z.output<typeof RequestTemplateSchema>;
export type OutcomeMatcher = z.output<typeof MatcherSchema>;
