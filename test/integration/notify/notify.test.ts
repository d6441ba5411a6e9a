import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { makeTempDir } from '../../helpers/temp-dir';
import {
  CampaignsRepository,
  AttemptsRepository,
  NotifiersRepository,
  openStore,
  type Store,
} from '../../../electron/store';
import { keyFileSealer, loadOrCreateKey, SecretBox } from '../../../electron/secrets';
import { EventBus } from '../../../electron/ipc/event-bus';
import { NotifyService, watchCampaigns } from '../../../electron/notify';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local server answering each request with the next reply in `replies` (the last one repeats). */
async function replyServer(
  replies: Array<{ status: number; body?: string; headers?: Record<string, string> }>,
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      const reply = replies[Math.min(received.length - 1, replies.length - 1)]!;
      response.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('notifiers (real SQLite, real HTTP on loopback)', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const setup = (sleeps: number[] = []) => {
    const dir = makeTempDir();
    const store: Store = openStore(dir.dir);
    cleanups.push(
      () => dir.remove(),
      () => store.close(),
    );
    const bus = new EventBus();
    const desktop: Array<[string, string, boolean]> = [];
    const sent: unknown[] = [];
    bus.on('notification/sent', (event) => sent.push(event));
    const notify = new NotifyService({
      repository: new NotifiersRepository(store.db),
      secrets: new SecretBox(keyFileSealer(loadOrCreateKey(dir.dir))),
      bus,
      desktop: (title, text, sound) => {
        desktop.push([title, text, sound]);
        return true;
      },
      delivery: {
        baseMs: 10,
        maxMs: 50,
        random: () => 1,
        sleep: async (ms) => {
          sleeps.push(ms);
          await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
        },
      },
    });
    return { store, bus, notify, desktop, sent };
  };

  it('retries a webhook that fails twice, with backoff, and delivers the templated body; the URL is sealed', async () => {
    const server = await replyServer([{ status: 503 }, { status: 500 }, { status: 200, body: 'ok' }]);
    cleanups.push(() => server.close());
    const sleeps: number[] = [];
    const { store, notify, sent } = setup(sleeps);
    const saved = notify.save({
      kind: 'webhook',
      name: 'ops',
      url: `${server.url}/hook?token=s3cret-token`,
      bodyTemplate: '{"msg":"{{title}}: {{text}}","when":"{{at}}"}',
    });
    expect(saved.secretsSet).toEqual(['url']);
    expect(JSON.stringify(saved)).not.toContain('s3cret-token');
    const raw = store.db.prepare('SELECT config_json, secret_sealed FROM notifiers').get() as {
      config_json: string;
      secret_sealed: Buffer;
    };
    expect(raw.config_json + raw.secret_sealed.toString('latin1')).not.toContain('s3cret-token');
    const result = await notify.test(saved.id);
    expect(result).toEqual({ ok: true, attempts: 3, status: 200, error: null });
    expect(server.received).toHaveLength(3);
    expect(server.received[2]!.url).toBe('/hook?token=s3cret-token');
    const body = JSON.parse(server.received[2]!.body) as { msg: string; when: string };
    expect(body.msg).toBe('Tminus test notification: This channel receives Tminus notifications.');
    expect(sleeps).toEqual([10, 20]); // exponential backoff (full jitter drawn at its top here)
    expect(sent).toEqual([
      expect.objectContaining({ notifierId: saved.id, name: 'ops', event: 'test', ok: true, attempts: 3 }),
    ]);
  });

  it('honours Retry-After, gives up after its retries, and does not retry a client error', async () => {
    const limited = await replyServer([{ status: 429, headers: { 'retry-after': '2' } }, { status: 204 }]);
    const broken = await replyServer([{ status: 502 }]);
    const refused = await replyServer([{ status: 404 }]);
    cleanups.push(
      () => limited.close(),
      () => broken.close(),
      () => refused.close(),
    );
    const sleeps: number[] = [];
    const { notify } = setup(sleeps);
    const a = notify.save({ kind: 'webhook', name: 'a', url: limited.url });
    expect(await notify.test(a.id)).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([2_000]);
    const b = notify.save({ kind: 'webhook', name: 'b', url: broken.url });
    const failed = await notify.test(b.id);
    expect(failed).toMatchObject({ ok: false, attempts: 5, status: 502 });
    expect(failed.error).toMatch(/answered 502/);
    const c = notify.save({ kind: 'webhook', name: 'c', url: `${refused.url}/x?key=hidden` });
    const notFound = await notify.test(c.id);
    expect(notFound).toMatchObject({ ok: false, attempts: 1, status: 404 });
    expect(notFound.error).not.toContain('hidden');
  });

  it('speaks DingTalk (signed), Feishu (signed), Telegram and ntfy, and reads their refusals', async () => {
    const ding = await replyServer([
      { status: 200, body: '{"errcode":0}' },
      { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' },
    ]);
    const feishu = await replyServer([{ status: 200, body: '{"code":0}' }]);
    const telegram = await replyServer([{ status: 200, body: '{"ok":true}' }]);
    const ntfy = await replyServer([{ status: 200, body: '{}' }]);
    cleanups.push(
      () => ding.close(),
      () => feishu.close(),
      () => telegram.close(),
      () => ntfy.close(),
    );
    const { notify } = setup();
    const d = notify.save({
      kind: 'dingtalk',
      name: 'ding',
      webhookUrl: `${ding.url}/robot/send?access_token=t`,
      signSecret: 'SECabc',
      language: 'zh-CN',
    });
    expect(await notify.test(d.id)).toMatchObject({ ok: true });
    const url = new URL(ding.url + ding.received[0]!.url);
    const timestamp = url.searchParams.get('timestamp')!;
    expect(url.searchParams.get('sign')).toBe(
      createHmac('sha256', 'SECabc').update(`${timestamp}\nSECabc`).digest('base64'),
    );
    expect(JSON.parse(ding.received[0]!.body)).toEqual({
      msgtype: 'text',
      text: { content: expect.stringContaining('Tminus 测试通知') },
    });
    expect(await notify.test(d.id)).toMatchObject({
      ok: false,
      attempts: 1,
      error: 'DingTalk refused it: sign not match',
    });

    const f = notify.save({
      kind: 'feishu',
      name: 'feishu',
      webhookUrl: `${feishu.url}/open-apis/bot/v2/hook/x`,
      signSecret: 'k',
    });
    expect(await notify.test(f.id)).toMatchObject({ ok: true });
    const fBody = JSON.parse(feishu.received[0]!.body) as { timestamp: string; sign: string; msg_type: string };
    expect(fBody.msg_type).toBe('text');
    expect(fBody.sign).toBe(createHmac('sha256', `${fBody.timestamp}\nk`).update('').digest('base64'));

    const t = notify.save({
      kind: 'telegram',
      name: 'tg',
      botToken: '123456:ABC-def',
      chatId: '-100200',
      apiBase: telegram.url,
    });
    expect(await notify.test(t.id)).toMatchObject({ ok: true });
    expect(telegram.received[0]!.url).toBe('/bot123456:ABC-def/sendMessage');
    expect(JSON.parse(telegram.received[0]!.body)).toMatchObject({ chat_id: '-100200' });

    const n = notify.save({ kind: 'ntfy', name: 'phone', server: ntfy.url, topic: 'tminus-ops', token: 'tk_1' });
    expect(await notify.test(n.id)).toMatchObject({ ok: true });
    expect(ntfy.received[0]).toMatchObject({ url: '/tminus-ops', body: 'This channel receives Tminus notifications.' });
    expect(ntfy.received[0]!.headers.authorization).toBe('Bearer tk_1');
    expect(ntfy.received[0]!.headers.priority).toBe('4');
  });

  it('refuses a bad notifier naming the field, keeps secrets on update, and removes', () => {
    const { notify } = setup();
    expect(() => notify.save({ kind: 'webhook', name: 'x' })).toThrow(/url: required for a webhook notifier/);
    expect(() => notify.save({ kind: 'webhook', name: 'x', url: 'ftp://example' })).toThrow(/^url:/);
    expect(() => notify.save({ kind: 'telegram', name: 'x', botToken: 'nope', chatId: '1' })).toThrow(
      /botToken: a bot token/,
    );
    expect(() =>
      notify.save({
        kind: 'webhook',
        name: 'x',
        url: 'http://127.0.0.1:9/',
        bodyTemplate: '{"a":"{{account.password}}"}',
      }),
    ).toThrow(/unknown variable \{\{account.password\}\}/);
    expect(notify.list()).toEqual([]);
    const saved = notify.save({ kind: 'ntfy', name: 'phone', topic: 'a', token: 'secret-1' });
    const renamed = notify.save({ id: saved.id, kind: 'ntfy', name: 'my phone', topic: 'b' });
    expect(renamed).toMatchObject({ name: 'my phone', config: { topic: 'b' }, secretsSet: ['token'] });
    expect(() => notify.save({ kind: 'desktop', name: 'my phone' })).toThrow(/already exists/);
    expect(() => notify.checkIds([saved.id, 99])).toThrow(/notify\[1\]: no notifier 99/);
    notify.remove(saved.id);
    expect(() => notify.remove(saved.id)).toThrow(/no notifier/);
  });

  it("tells a campaign's notifiers about its first success once and about its end", async () => {
    const { store, bus, notify, desktop } = setup();
    store.db
      .prepare(
        "INSERT INTO targets (id, name, profile_text, profile_format, builtin, created_at_ms, updated_at_ms) VALUES ('t', 't', '', 'yaml', 0, 0, 0)",
      )
      .run();
    const accountId = Number(
      store.db
        .prepare("INSERT INTO accounts (target_id, username, created_at_ms, updated_at_ms) VALUES ('t', 'alice', 0, 0)")
        .run().lastInsertRowid,
    );
    const d = notify.save({ kind: 'desktop', name: 'desk', sound: true });
    const campaigns = new CampaignsRepository(store.db);
    campaigns.insert(
      {
        id: 'c1',
        targetId: 't',
        name: 'Morning',
        itemId: 'G1',
        openAtServerMs: 0,
        timeZone: 'UTC',
        spec: { notify: [d.id] },
      },
      0,
    );
    campaigns.insert(
      { id: 'c2', targetId: 't', name: 'Quiet', itemId: 'G1', openAtServerMs: 0, timeZone: 'UTC', spec: {} },
      0,
    );
    watchCampaigns({ bus, notify, campaigns, attempts: new AttemptsRepository(store.db), accountName: () => 'alice' });
    const success = {
      attemptId: 1,
      accountId,
      endpoint: 'e',
      retry: 0,
      sentLocalMs: 0,
      latencyMs: 1,
      outcome: 'success' as const,
    };
    bus.emit('attempt/recorded', { ...success, campaignId: 'c1' });
    bus.emit('attempt/recorded', { ...success, campaignId: 'c1', attemptId: 2 });
    bus.emit('attempt/recorded', { ...success, campaignId: 'c2' });
    bus.emit('campaign/state', { campaignId: 'c1', state: 'firing', atMs: 0 });
    bus.emit('campaign/state', { campaignId: 'c1', state: 'completed', atMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(desktop).toEqual([
      ['Booked: Morning', 'First booking in campaign "Morning" (G1) by alice.', true],
      ['Campaign ended: Morning', 'Campaign "Morning" (G1) completed: 0 booked, 0 attempts.', true],
    ]);
  });
});
