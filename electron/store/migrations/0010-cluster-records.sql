-- The coordinator's copy of a cluster campaign's one record: every attempt and outcome the nodes appended to the
-- campaign's Redis Stream, committed here before it is acknowledged there. (node_id, seq) is each record's identity,
-- so a record sent again (after a Redis restart) or read again (after a coordinator crash) is kept once.
CREATE TABLE cluster_records (
  campaign_id TEXT NOT NULL,
  node_id TEXT NOT NULL,
  seq INTEGER NOT NULL CHECK (seq > 0),
  kind TEXT NOT NULL CHECK (kind IN ('attempt', 'outcome')),
  account_id TEXT NOT NULL,
  fence INTEGER NOT NULL,
  late INTEGER NOT NULL CHECK (late IN (0, 1)),
  body TEXT NOT NULL,
  committed_at_ms INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, node_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX cluster_records_by_account ON cluster_records (campaign_id, account_id, kind);
