// The target profile: a booking service described without code. Everything the engine sends and everything it reads
// back is here — requests as templates, answers as JMESPath matchers — with the limits the operator may not exceed.
import { z } from 'zod';
import { OutcomeSchema } from '../ipc/contract';
import { BookingsPerAccount, Burst, DurationMs, HeaderValue, RatePerSec, TimeZoneName } from '../common/bounds';
import { ReaderSchema, RegexText } from './answer-reader';

const Path = z.string().regex(/^\//, 'a path starting with /');
const Jmes = z.string().min(1);
const HeaderMap = z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'), HeaderValue);

const TemplateMap = z.record(z.string().min(1).max(256), z.string().max(8_192));

export const RequestTemplateSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    path: Path.describe('path template, e.g. /api/items/{{campaign.item}}/book'),
    query: TemplateMap.default({}).describe('query parameters, each value a template (URL-encoded when sent)'),
    headers: HeaderMap.default({}),
    json: z.unknown().optional().describe('JSON body; every string in it is a template'),
    form: TemplateMap.optional().describe('form body (application/x-www-form-urlencoded), each value a template'),
    text: z.string().max(65_536).optional().describe('raw body template, sent with `contentType`'),
    contentType: HeaderValue.min(1).optional().describe('content type of a `text` body (default text/plain)'),
  })
  .strict()
  .refine((request) => [request.json, request.form, request.text].filter((body) => body !== undefined).length <= 1, {
    message: 'one body at most: json, form or text',
  });

const TokenFieldsSchema = z
  .object({
    access: ReaderSchema.optional().describe(
      'where the access token is in the answer (JMESPath, header, cookie or regex); absent with session.cookies: ' +
        'the cookies the answer sets are the session',
    ),
    refresh: ReaderSchema.optional(),
    accessExpiresInMs: ReaderSchema.optional(),
    refreshExpiresInMs: ReaderSchema.optional(),
  })
  .strict();

const StatusMatch = z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]);

export const MatcherSchema = z
  .object({
    status: StatusMatch.optional().describe('HTTP status (or list) this matcher applies to; absent = any'),
    when: Jmes.optional().describe('JMESPath test on the JSON body; truthy = match'),
    bodyMatches: RegexText.optional().describe('regular expression the body (as text) must match: HTML answers'),
    network: z.boolean().optional().describe('matches a request that got no HTTP answer (reset, timeout)'),
    outcome: OutcomeSchema,
    scope: z
      .enum(['account', 'client'])
      .default('account')
      .describe('rateLimited only: client = the target limits this whole client (per IP): every account waits'),
    extract: z
      .record(z.string(), ReaderSchema)
      .default({})
      .describe('values to keep from the answer, e.g. orderId (a step can pass them on as {{vars.NAME}})'),
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
      .union([
        z.literal('none').describe('the target has no sign-in: accounts carry identity only'),
        z
          .object({
            login: z.object({ request: RequestTemplateSchema, tokens: TokenFieldsSchema }).strict(),
            refresh: z.object({ request: RequestTemplateSchema, tokens: TokenFieldsSchema }).strict().optional(),
            header: z
              .object({ name: z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'), value: HeaderValue.min(1) })
              .strict()
              .optional()
              .describe('the header that carries the session on every request (absent: the cookie jar alone)'),
            cookies: z
              .boolean()
              .default(false)
              .describe(
                "keep a cookie jar per account: the target's Set-Cookie is sent back by its domain and path rules",
              ),
            health: RequestTemplateSchema.optional().describe(
              'a cheap signed-in request: arming sends it to prove each session (a 401/403 signs the account in again)',
            ),
            browser: z
              .object({ loginPath: Path, accessCookie: z.string().min(1), refreshCookie: z.string().optional() })
              .strict()
              .optional(),
          })
          .strict()
          .refine((auth) => auth.header !== undefined || auth.cookies, {
            message: 'a session needs a header or cookies: true',
            path: ['header'],
          })
          .refine((auth) => auth.login.tokens.access !== undefined || auth.cookies, {
            message: 'without an access token the session is the cookie jar: set cookies: true',
            path: ['login', 'tokens', 'access'],
          }),
      ])
      .optional()
      .transform((auth) => (auth === 'none' ? undefined : auth))
      .describe("sign-in; absent or 'none' when the target has none"),
    captcha: z
      .object({
        fetch: RequestTemplateSchema,
        image: ReaderSchema.describe('where the image is: JMESPath to base64, or { bytes: true } for an image answer'),
        id: ReaderSchema.describe('where the captcha id is: JMESPath, header or cookie'),
        debugAnswer: ReaderSchema.optional().describe('a revealed answer (simulator debug mode only)'),
        model: z.string().default('captcha-sim'),
        charset: z
          .string()
          .min(1)
          .regex(/^\S+$/, 'no spaces: the characters themselves, e.g. 0123456789')
          .optional()
          .describe("the characters the target's captchas use (e.g. 0123456789): the model reads only these"),
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
    warmUp: z
      .union([
        z.literal('off'),
        z
          .object({
            request: RequestTemplateSchema.optional().describe('default: a GET of the time path (or /)'),
            connections: z
              .number()
              .int()
              .min(1)
              .max(4096)
              .optional()
              .describe('pooled connections opened per endpoint (default: what the accounts need, within concurrency)'),
            calibrationBurst: z
              .number()
              .int()
              .min(1)
              .max(100_000)
              .optional()
              .describe('warm-ups released together to calibrate the burst (never more than targetBurst)'),
          })
          .strict(),
      ])
      .default({})
      .describe("requests that open and prove connections while arming, inside the budget; 'off' sends none"),
    book: z
      .object({
        steps: z
          .array(
            z
              .object({
                name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'letters, digits, _ and -'),
                request: RequestTemplateSchema,
                when: Jmes.optional().describe(
                  'JMESPath over { vars } (what earlier answers gave); falsy = the step is skipped',
                ),
                outcomes: z
                  .array(MatcherSchema)
                  .min(1)
                  .optional()
                  .describe("how to read this step's answer (default: the profile's outcomes); success = go on"),
              })
              .strict(),
          )
          .max(8)
          .default([])
          .describe(
            'requests before the booking request (query → hold → …): each answer read by its matchers, its ' +
              'extractions passed on as {{vars.NAME}}; any outcome but success ends the attempt with that outcome',
          ),
        request: RequestTemplateSchema,
        poll: z
          .object({
            request: RequestTemplateSchema.describe('asks about a queued booking, e.g. /api/queue/{{vars.ticket}}'),
            everyMs: DurationMs.default(200),
            maxMs: z.number().int().min(100).max(600_000).default(30_000),
            outcomes: z
              .array(MatcherSchema)
              .min(1)
              .optional()
              .describe("how to read the poll's answers (default: the profile's outcomes); pending = ask again"),
          })
          .strict()
          .optional()
          .describe(
            'a booking answered `pending` (queued, e.g. 202 + ticket) is polled with this request — its answer ' +
              'extractions are {{vars.*}} — until it is decided or maxMs passes (then it is settled as unknown)',
          ),
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
          .default({ status: 404, extract: {}, scope: 'account' })
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
