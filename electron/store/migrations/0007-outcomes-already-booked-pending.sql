-- Two outcomes join the nine: alreadyBooked (the target holds this account's booking already: it counts, no retry)
-- and pending (accepted, not decided: a queued booking). SQLite cannot change a CHECK, so the table is rebuilt with
-- its rows and every index it had.
CREATE TABLE attempts_next (
  id INTEGER PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  item_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  retry INTEGER NOT NULL DEFAULT 0,
  planned_send_local_ms REAL,
  planned_send_server_ms REAL,
  sent_local_ms REAL NOT NULL,
  sent_server_ms REAL,
  server_received_ms REAL,
  latency_ms REAL,
  http_status INTEGER,
  outcome TEXT NOT NULL CHECK (outcome IN (
    'success', 'soldOut', 'notOpen', 'rateLimited', 'captchaRequired', 'captchaRejected', 'unauthorized',
    'retryable', 'fatal', 'alreadyBooked', 'pending')),
  error_code TEXT,
  error_message TEXT,
  captcha_confidence REAL,
  order_id TEXT
) STRICT;
INSERT INTO attempts_next SELECT * FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_next RENAME TO attempts;
CREATE INDEX attempts_by_campaign_sent ON attempts (campaign_id, sent_local_ms);
CREATE INDEX attempts_by_campaign_key ON attempts (campaign_id, idempotency_key);
CREATE INDEX attempts_by_campaign_id ON attempts (campaign_id, id);
CREATE INDEX attempts_attr_account ON attempts (campaign_id, account_id, outcome);
CREATE INDEX attempts_attr_endpoint ON attempts (campaign_id, endpoint, outcome);
CREATE INDEX attempts_attr_fire ON attempts (campaign_id, sent_server_ms, outcome);
CREATE INDEX attempts_attr_latency ON attempts (campaign_id, latency_ms, outcome);
CREATE INDEX attempts_attr_error ON attempts (campaign_id, outcome, error_code);
CREATE INDEX attempts_attr_captcha ON attempts (campaign_id, captcha_confidence, outcome);
CREATE INDEX attempts_attr_retry ON attempts (campaign_id, retry, outcome);
