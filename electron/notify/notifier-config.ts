// What a notifier is, per kind, as the operator enters it. Plain zod: the IPC contract (and the renderer) use it.
// Fields listed in SECRET_FIELDS (tokens, webhook URLs that carry tokens, signing keys) are sealed at rest and never
// sent back to the console; the rest is stored as JSON.
import { z } from 'zod';

const name = z.string().trim().min(1).max(100);
const httpUrl = z.url({ protocol: /^https?$/ });
const common = {
  name,
  enabled: z.boolean().default(true),
  language: z.enum(['en', 'zh-CN']).default('en'),
};

export const NotifierInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('desktop'), ...common, sound: z.boolean().default(false) }).strict(),
  z
    .object({
      kind: z.literal('webhook'),
      ...common,
      url: httpUrl.optional().describe('secret: often carries a token'),
      bodyTemplate: z
        .string()
        .max(4_000)
        .optional()
        .describe('JSON body with {{title}}, {{text}}, {{event}}, {{campaign.id}}, {{campaign.name}}, {{at}}'),
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name'), z.string().max(1_000)).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('ntfy'),
      ...common,
      server: httpUrl.default('https://ntfy.sh'),
      topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an ntfy topic (letters, digits, _ and -)'),
      token: z.string().max(500).optional(),
      priority: z.number().int().min(1).max(5).default(4),
    })
    .strict(),
  z
    .object({
      kind: z.literal('dingtalk'),
      ...common,
      webhookUrl: httpUrl.optional().describe('the robot URL with its access_token'),
      signSecret: z.string().max(500).optional().describe('the robot\'s "SEC…" signing secret, if it has one'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('feishu'),
      ...common,
      webhookUrl: httpUrl.optional().describe('the bot webhook URL'),
      signSecret: z.string().max(500).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('telegram'),
      ...common,
      botToken: z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]+$/, 'a bot token (123456:ABC…)')
        .optional(),
      chatId: z.string().regex(/^-?\d+$|^@\w+$/, 'a chat id (digits) or @channel'),
      apiBase: httpUrl.default('https://api.telegram.org'),
    })
    .strict(),
]);

export type NotifierInput = z.input<typeof NotifierInputSchema>;
export type NotifierConfig = z.output<typeof NotifierInputSchema>;
export type NotifierKind = NotifierConfig['kind'];

export const SECRET_FIELDS: Record<NotifierKind, string[]> = {
  desktop: [],
  webhook: ['url', 'headers'],
  ntfy: ['token'],
  dingtalk: ['webhookUrl', 'signSecret'],
  feishu: ['webhookUrl', 'signSecret'],
  telegram: ['botToken'],
};

/** Secret fields a kind cannot work without (they may be kept from the stored notifier on an update). */
export const REQUIRED_SECRETS: Record<NotifierKind, string[]> = {
  desktop: [],
  webhook: ['url'],
  ntfy: [],
  dingtalk: ['webhookUrl'],
  feishu: ['webhookUrl'],
  telegram: ['botToken'],
};

export const NotifierViewSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['desktop', 'webhook', 'ntfy', 'dingtalk', 'feishu', 'telegram']),
  enabled: z.boolean(),
  /** The non-secret settings. */
  config: z.record(z.string(), z.unknown()),
  /** Which secret fields are set (their values never leave the main process). */
  secretsSet: z.array(z.string()),
});

export const DeliveryResultSchema = z.object({
  ok: z.boolean(),
  attempts: z.number().int(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
});
