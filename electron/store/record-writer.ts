// One transaction for what a batch of answers proved: the attempt rows, and the intents (and ledger bookings) they
// settle. A booking is never in the attempts without its ledger row, nor the reverse.
import type Database from 'better-sqlite3';
import type { AttemptRecord, AttemptsRepository } from './attempts-repository';
import type { IntentMark, IntentsRepository } from './intents-repository';

export type RecordWriter = (attempts: AttemptRecord[], marks: IntentMark[], nowMs: number) => number[];

export function createRecordWriter(
  db: Database.Database,
  attempts: AttemptsRepository,
  intents: IntentsRepository,
): RecordWriter {
  return db.transaction((rows: AttemptRecord[], marks: IntentMark[], nowMs: number) => {
    const ids = rows.length > 0 ? attempts.insertBatch(rows) : [];
    intents.apply(marks, nowMs);
    return ids;
  });
}
