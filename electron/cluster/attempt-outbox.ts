// A node's side of the campaign's one record: every attempt it makes and every outcome it settles for an account is
// appended to the campaign's Redis Stream with the account's lease token (its fence), and kept here until the
// coordinator has committed it (its watermark for this node says so). What Redis did not take (away, restarted, the
// stream lost) is sent again, so a Redis restart loses nothing; the coordinator drops what it has seen twice.
//
// The fence decides two kinds of write differently. An **attempt** is a fact (a request left this machine) and is
// always recorded — a node cut off from Redis that fired inside its lease and flushes after another node took the
// account over still owes the record that request — but it is marked `late` when the account's fence has moved past
// it. An **outcome** (what the node concluded for the account: booked, sold out, given up) is a claim, and is refused
// once another node holds a greater fence: the new holder settles the account itself, and a late claim never
// overwrites its conclusion. A refused outcome is kept aside as refused, never retried.
import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys';

export type RecordKind = 'attempt' | 'outcome';

const APPEND = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local fence = tonumber(ARGV[1])
local late = '0'
if current > fence then
  if ARGV[6] == 'outcome' then return false end
  late = '1'
end
return redis.call('XADD', KEYS[2], '*', 'node', ARGV[2], 'seq', ARGV[3], 'account', ARGV[4], 'fence', ARGV[1],
  'kind', ARGV[6], 'late', late, 'body', ARGV[5])`;

export interface OutboxEntry {
  seq: number;
  kind: RecordKind;
  accountId: string;
  fence: number;
  body: string;
  /** Local instant it was last handed to Redis; null while not yet (or to be sent again). */
  sentAtMs: number | null;
}

export interface FlushResult {
  sent: number;
  refused: number;
  /** Not taken this time (Redis unreachable): still held, sent with the next flush. */
  failed: number;
}

export class AttemptOutbox {
  private readonly entries = new Map<number, OutboxEntry>();
  private nextSeq = 1;
  readonly refused: OutboxEntry[] = [];
  private committed = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: {
      campaignId: string;
      nodeId: string;
      /** Sent but not committed for this long: sent again (Redis may have lost it). */
      resendAfterMs: number;
      nowMs: () => number;
    },
  ) {}

  /** Keeps a record for the account under its lease's fence; returns its sequence number on this node. */
  push(accountId: string, fence: number, record: unknown, kind: RecordKind = 'attempt'): number {
    const seq = this.nextSeq++;
    this.entries.set(seq, { seq, kind, accountId, fence, body: JSON.stringify(record), sentAtMs: null });
    return seq;
  }

  /** Records not yet committed by the coordinator (sent or not). */
  get pending(): number {
    return this.entries.size;
  }

  /** The coordinator's watermark for this node: every sequence number up to it is committed. */
  get committedSeq(): number {
    return this.committed;
  }

  /** Sends what is unsent (or sent too long ago without a commit), then forgets what the coordinator committed. */
  async flush(): Promise<FlushResult> {
    const { campaignId, nodeId, resendAfterMs, nowMs } = this.options;
    await this.pruneCommitted();
    const now = nowMs();
    const due = [...this.entries.values()].filter(
      (entry) => entry.sentAtMs === null || now - entry.sentAtMs >= resendAfterMs,
    );
    const result: FlushResult = { sent: 0, refused: 0, failed: 0 };
    if (due.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const entry of due)
      pipeline.eval(
        APPEND,
        2,
        redisKeys.fence(campaignId, entry.accountId),
        redisKeys.attempts(campaignId),
        String(entry.fence),
        nodeId,
        String(entry.seq),
        entry.accountId,
        entry.body,
        entry.kind,
      );
    let replies: Array<[Error | null, unknown]>;
    try {
      replies = ((await pipeline.exec()) ?? []) as Array<[Error | null, unknown]>;
    } catch {
      result.failed = due.length;
      return result;
    }
    due.forEach((entry, index) => {
      const [error, id] = replies[index] ?? [new Error('no reply'), null];
      if (error) result.failed += 1;
      else if (id === null) {
        this.entries.delete(entry.seq);
        this.refused.push(entry);
        result.refused += 1;
      } else {
        entry.sentAtMs = now;
        result.sent += 1;
      }
    });
    return result;
  }

  private async pruneCommitted(): Promise<void> {
    let text: string | null;
    try {
      text = await this.redis.hget(redisKeys.committed(this.options.campaignId), this.options.nodeId);
    } catch {
      return;
    }
    // Never backwards: a Redis that restarted empty says 0, and what was committed stays committed.
    this.committed = Math.max(this.committed, Number(text ?? 0));
    for (const seq of this.entries.keys()) if (seq <= this.committed) this.entries.delete(seq);
  }
}
