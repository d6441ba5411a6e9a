// How each kind of notifier turns a message into an HTTP request: generic webhook (templated JSON), ntfy, DingTalk
// and Feishu robots (optionally signed), and the Telegram Bot API.
import { createHmac } from 'node:crypto';
import type { NotifierConfig } from './notifier-config';
import type { HttpNotification } from './delivery';
import type { NotificationMessage } from './message';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export const DEFAULT_WEBHOOK_BODY =
  '{"event":"{{event}}","title":"{{title}}","text":"{{text}}","campaign":{"id":"{{campaign.id}}","name":"{{campaign.name}}"},"at":"{{at}}"}';

const TEMPLATE_VARIABLES = new Set([
  'event',
  'title',
  'text',
  'campaign.id',
  'campaign.name',
  'campaign.item',
  'campaign.state',
  'at',
]);

/** Renders a webhook body: every {{variable}} is replaced by its value escaped for a JSON string. */
export function renderWebhookBody(template: string, message: NotificationMessage): string {
  const values: Record<string, string> = {
    event: message.event,
    title: message.title,
    text: message.text,
    'campaign.id': message.campaign?.id ?? '',
    'campaign.name': message.campaign?.name ?? '',
    'campaign.item': message.campaign?.item ?? '',
    'campaign.state': message.campaign?.state ?? '',
    at: new Date(message.atMs).toISOString(),
  };
  return template.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (_, name: string) =>
    JSON.stringify(values[name] ?? '').slice(1, -1),
  );
}

/** The unknown variables in a webhook template (a notifier naming one is refused when saved). */
export function unknownTemplateVariables(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)]
    .map((m) => m[1]!)
    .filter((name) => !TEMPLATE_VARIABLES.has(name));
}

const jsonCheck =
  (ok: (body: Record<string, unknown>) => boolean, describe: (body: Record<string, unknown>) => string) =>
  (_status: number, text: string): string | null => {
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      return ok(body) ? null : describe(body);
    } catch {
      return 'the answer was not JSON';
    }
  };

export function httpNotification(
  config: Exclude<NotifierConfig, { kind: 'desktop' }>,
  message: NotificationMessage,
  nowMs: number,
): HttpNotification {
  switch (config.kind) {
    case 'webhook':
      return {
        url: config.url!,
        headers: { ...JSON_HEADERS, ...(config.headers ?? {}) },
        body: renderWebhookBody(config.bodyTemplate ?? DEFAULT_WEBHOOK_BODY, message),
      };
    case 'ntfy':
      return {
        url: `${config.server.replace(/\/$/, '')}/${config.topic}`,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          // HTTP headers are Latin-1: ntfy reads RFC 2047 encoded words for anything else.
          title: `=?UTF-8?B?${Buffer.from(message.title).toString('base64')}?=`,
          priority: String(config.priority),
          tags: message.event === 'first-success' ? 'tada' : 'bell',
          ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
        },
        body: message.text,
      };
    case 'dingtalk': {
      let url = config.webhookUrl!;
      if (config.signSecret) {
        const timestamp = String(nowMs);
        const sign = createHmac('sha256', config.signSecret)
          .update(`${timestamp}\n${config.signSecret}`)
          .digest('base64');
        url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
      }
      return {
        url,
        headers: JSON_HEADERS,
        body: JSON.stringify({ msgtype: 'text', text: { content: `${message.title}\n${message.text}` } }),
        check: jsonCheck(
          (body) => body.errcode === 0,
          (body) => `DingTalk refused it: ${String(body.errmsg ?? body.errcode)}`,
        ),
      };
    }
    case 'feishu': {
      const timestamp = String(Math.floor(nowMs / 1000));
      const signed = config.signSecret
        ? { timestamp, sign: createHmac('sha256', `${timestamp}\n${config.signSecret}`).update('').digest('base64') }
        : {};
      return {
        url: config.webhookUrl!,
        headers: JSON_HEADERS,
        body: JSON.stringify({ ...signed, msg_type: 'text', content: { text: `${message.title}\n${message.text}` } }),
        check: jsonCheck(
          (body) => (body.code ?? body.StatusCode) === 0,
          (body) => `Feishu refused it: ${String(body.msg ?? body.StatusMessage ?? body.code)}`,
        ),
      };
    }
    case 'telegram':
      return {
        url: `${config.apiBase.replace(/\/$/, '')}/bot${config.botToken}/sendMessage`,
        headers: JSON_HEADERS,
        body: JSON.stringify({ chat_id: config.chatId, text: `${message.title}\n${message.text}` }),
        check: jsonCheck(
          (body) => body.ok === true,
          (body) => `Telegram refused it: ${String(body.description ?? 'not ok')}`,
        ),
      };
  }
}
