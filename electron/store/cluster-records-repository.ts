// The coordinator's side of a cluster campaign's record in SQLite (migration 0010): a batch read from the campaign's
// Redis Stream is committed in one transaction, and a record already kept — same node, same sequence number — is
// ignored, so nothing the nodes send twice is counted twice.
import type Database from 'better-sqlite3';

export interface ClusterRecordRow {
  campaignId: string;
  nodeId: string;
  seq: number;
  kind: 'attempt' | 'outcome';
  accountId: string;
  fence: number;
  late: boolean;
  body: unknown;
}

interface StoredRow {
  campaign_id: string;
  node_id: string;
  seq: number;
  kind: 'attempt' | 'outcome';
  account_id: string;
  fence: number;
  late: number;
  body: string;
}

export class ClusterRecordsRepository {
  private readonly insert;
  private readonly commitMany;

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.insert = db.prepare(`INSERT INTO cluster_records
      (campaign_id, node_id, seq, kind, account_id, fence, late, body, committed_at_ms)
      VALUES (@campaignId, @nodeId, @seq, @kind, @accountId, @fence, @late, @body, @committedAtMs)
      ON CONFLICT (campaign_id, node_id, seq) DO NOTHING`);
    this.commitMany = db.transaction((rows: ClusterRecordRow[]) => {
      const committedAtMs = this.nowMs();
      return rows.filter(
        (row) =>
          this.insert.run({
            ...row,
            late: row.late ? 1 : 0,
            body: JSON.stringify(row.body),
            committedAtMs,
          }).changes === 1,
      );
    });
  }

  /** Commits the batch in one transaction; returns the records that were new (those already kept are not). */
  commit(rows: ClusterRecordRow[]): ClusterRecordRow[] {
    return this.commitMany(rows) as ClusterRecordRow[];
  }

  /** Every (node, seq) kept for the campaign: what a restarted coordinator already has. */
  committedSeqs(campaignId: string): Array<{ nodeId: string; seq: number }> {
    return this.db
      .prepare('SELECT node_id AS nodeId, seq FROM cluster_records WHERE campaign_id = ? ORDER BY node_id, seq')
      .all(campaignId) as Array<{ nodeId: string; seq: number }>;
  }

  list(campaignId: string): ClusterRecordRow[] {
    const rows = this.db
      .prepare('SELECT * FROM cluster_records WHERE campaign_id = ? ORDER BY node_id, seq')
      .all(campaignId) as StoredRow[];
    return rows.map((row) => ({
      campaignId: row.campaign_id,
      nodeId: row.node_id,
      seq: row.seq,
      kind: row.kind,
      accountId: row.account_id,
      fence: row.fence,
      late: row.late === 1,
      body: JSON.parse(row.body) as unknown,
    }));
  }
}
