// The coordinator's side of the campaign's one record: it reads the campaign's Redis Stream as a consumer group,
// hands each batch to `commit` (one SQLite transaction, done before anything is acknowledged), then acknowledges and
// deletes the entries and publishes each node's watermark (./seq-watermarks.ts) so the nodes forget what is safe.
// A coordinator that dies between commit and acknowledgement reads its pending entries again on restart; repeats
// (a node sending again after a Redis restart) are recognised by (node, seq) and not committed twice.
import type { Redis } from 'ioredis';
import type { RecordKind } from './attempt-outbox';
import { redisKeys } from './redis-keys';
import { SeqWatermarks } from './seq-watermarks';

export const RECORD_GROUP = 'coordinator';

export interface StreamRecord {
  nodeId: string;
  seq: number;
  kind: RecordKind;
  accountId: string;
  fence: number;
  /** An attempt recorded after another node had taken the account over (./attempt-outbox.ts). */
  late: boolean;
  body: unknown;
}

/** Publishes watermarks, never moving one backwards (two coordinator passes may race after a restart). */
const PUBLISH = `
for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('PEXPIRE', KEYS[1], 604800000)
return 1`;

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

export class AttemptConsumer {
  private readonly watermarks: SeqWatermarks;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    /** A connection of its own: blocking reads hold it. */
    private readonly redis: Redis,
    private readonly options: {
      campaignId: string;
      consumer: string;
      /** Commits new records durably (one transaction); throws when it could not (nothing is acknowledged then). */
      commit: (records: StreamRecord[]) => void;
      /** What is already committed (after a restart): node → sequence numbers. */
      committed?: Iterable<{ nodeId: string; seq: number }>;
      batch?: number;
    },
  ) {
    this.watermarks = new SeqWatermarks();
    for (const { nodeId, seq } of options.committed ?? []) this.watermarks.add(nodeId, seq);
  }

  watermark(nodeId: string): number {
    return this.watermarks.of(nodeId);
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', redisKeys.attempts(this.options.campaignId), RECORD_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test((error as Error).message)) throw error;
    }
  }

  /** One read-commit-acknowledge pass: its own pending entries first, then new ones (waiting up to `blockMs`). */
  async pollOnce(blockMs = 0): Promise<number> {
    const key = redisKeys.attempts(this.options.campaignId);
    const count = this.options.batch ?? 500;
    let handled = 0;
    for (const from of ['0', '>'] as const) {
      let reply: StreamReply;
      try {
        reply = (await (from === '>' && blockMs > 0
          ? this.redis.xreadgroup(
              'GROUP',
              RECORD_GROUP,
              this.options.consumer,
              'COUNT',
              count,
              'BLOCK',
              blockMs,
              'STREAMS',
              key,
              from,
            )
          : this.redis.xreadgroup(
              'GROUP',
              RECORD_GROUP,
              this.options.consumer,
              'COUNT',
              count,
              'STREAMS',
              key,
              from,
            ))) as StreamReply;
      } catch (error) {
        // A Redis that restarted empty has no group (and no stream): make them again; the nodes send again.
        if (/NOGROUP/.test((error as Error).message)) {
          await this.ensureGroup();
          continue;
        }
        throw error;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      await this.handle(entries);
      handled += entries.length;
    }
    return handled;
  }

  private async handle(entries: Array<[string, string[]]>): Promise<void> {
    const fresh: StreamRecord[] = [];
    const seen = new Set<string>();
    for (const [, fields] of entries) {
      const field = (name: string): string => fields[fields.indexOf(name) + 1] ?? '';
      const record: StreamRecord = {
        nodeId: field('node'),
        seq: Number(field('seq')),
        kind: field('kind') === 'outcome' ? 'outcome' : 'attempt',
        accountId: field('account'),
        fence: Number(field('fence')),
        late: field('late') === '1',
        body: JSON.parse(field('body')),
      };
      const id = `${record.nodeId}#${record.seq}`;
      if (this.watermarks.has(record.nodeId, record.seq) || seen.has(id)) continue;
      seen.add(id);
      fresh.push(record);
    }
    if (fresh.length > 0) this.options.commit(fresh);
    for (const record of fresh) this.watermarks.add(record.nodeId, record.seq);
    const key = redisKeys.attempts(this.options.campaignId);
    const ids = entries.map(([id]) => id);
    const marks = this.watermarks.nodes().flatMap((nodeId) => [nodeId, String(this.watermarks.of(nodeId))]);
    const pipeline = this.redis
      .pipeline()
      .xack(key, RECORD_GROUP, ...ids)
      .xdel(key, ...ids);
    if (marks.length > 0) pipeline.eval(PUBLISH, 1, redisKeys.committed(this.options.campaignId), ...marks);
    await pipeline.exec();
  }

  /** Reads until stop(); a lost Redis is waited out (the nodes keep their records meanwhile). */
  start(onError?: (error: Error) => void): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = (async () => {
      await this.ensureGroup().catch(() => undefined);
      while (!this.stopped) {
        try {
          await this.pollOnce(200);
        } catch (error) {
          onError?.(error as Error);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    })();
  }

  /** Stops reading after the current pass, then drains what is already in the stream. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.loop = null;
  }
}
