-- The record as the truth. An intent is one (campaign, account) booking about to be sent, durable before its first
-- request is on the wire; answers and order lookups settle it. A crash leaves it open, and reconciliation asks about
-- every open intent. The ledger keeps every booking ever made per (target, item, account), across campaigns, so
-- that a new or re-run campaign never books an account twice.
CREATE TABLE intents (
  campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  planned_send_local_ms REAL,
  state TEXT NOT NULL DEFAULT 'prepared'
    CHECK (state IN ('prepared', 'sent', 'unknown', 'booked', 'notBooked')),
  sent_at_ms REAL,
  settled_at_ms INTEGER,
  settled_by TEXT CHECK (settled_by IS NULL OR settled_by IN ('answer', 'lookup', 'unsent')),
  order_id TEXT,
  lookups INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, account_id)
) STRICT;
CREATE INDEX intents_open_by_item ON intents (target_id, item_id, account_id)
  WHERE state IN ('prepared', 'sent', 'unknown');
CREATE INDEX intents_by_campaign_state ON intents (campaign_id, state);

CREATE TABLE bookings (
  id INTEGER PRIMARY KEY,
  target_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  campaign_id TEXT REFERENCES campaigns (id) ON DELETE SET NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  order_id TEXT,
  booked_at_ms INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('answer', 'lookup'))
) STRICT;
CREATE INDEX bookings_by_item_account ON bookings (target_id, item_id, account_id);

-- A campaign file run again is the same campaign (same hash): a crashed one is resumed with its keys.
ALTER TABLE campaigns ADD COLUMN spec_hash TEXT;
CREATE INDEX campaigns_by_spec_hash ON campaigns (spec_hash) WHERE spec_hash IS NOT NULL;
-- Why arming (or the run) failed, in words, for the console and the CLI.
ALTER TABLE campaigns ADD COLUMN error_message TEXT;
