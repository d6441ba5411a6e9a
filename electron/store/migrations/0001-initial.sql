-- First schema: the tables every later room builds on. Instants are epoch milliseconds; *_local_ms on this machine's
-- clock, *_server_ms on the target's clock. Secrets live only in *_sealed columns, encrypted before they get here.

CREATE TABLE targets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  profile_text TEXT NOT NULL,
  profile_format TEXT NOT NULL CHECK (profile_format IN ('yaml', 'json')),
  builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  target_id TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  label TEXT NOT NULL DEFAULT '',
  username TEXT NOT NULL,
  password_sealed BLOB,
  tokens_sealed BLOB,
  access_expires_at_ms INTEGER,
  refresh_expires_at_ms INTEGER,
  group_name TEXT NOT NULL DEFAULT '',
  priority INTEGER NOT NULL DEFAULT 0,
  tags_json TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cooling', 'locked', 'banned', 'disabled')),
  cooling_until_ms INTEGER,
  notes TEXT NOT NULL DEFAULT '',
  attempts_count INTEGER NOT NULL DEFAULT 0,
  successes_count INTEGER NOT NULL DEFAULT 0,
  last_used_at_ms INTEGER,
  last_outcome TEXT,
  lease_owner TEXT,
  lease_expires_at_ms INTEGER,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (target_id, username)
) STRICT;
CREATE INDEX accounts_by_target_pick ON accounts (target_id, status, priority DESC);
CREATE INDEX accounts_by_lease_owner ON accounts (lease_owner) WHERE lease_owner IS NOT NULL;

CREATE TABLE schedules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  cron TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  campaign_template_json TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  last_run_at_ms INTEGER,
  last_campaign_id TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE campaigns (
  id TEXT PRIMARY KEY,
  target_id TEXT NOT NULL REFERENCES targets (id),
  name TEXT NOT NULL,
  item_id TEXT NOT NULL,
  open_at_server_ms INTEGER NOT NULL,
  time_zone TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'draft'
    CHECK (state IN ('draft', 'armed', 'firing', 'completed', 'cancelled', 'failed', 'interrupted')),
  schedule_id INTEGER REFERENCES schedules (id) ON DELETE SET NULL,
  observed_open_at_server_ms REAL,
  armed_at_ms INTEGER,
  ended_at_ms INTEGER,
  summary_json TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX campaigns_by_target_open ON campaigns (target_id, open_at_server_ms);
CREATE INDEX campaigns_by_state ON campaigns (state);

CREATE TABLE attempts (
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
    'retryable', 'fatal')),
  error_code TEXT,
  error_message TEXT,
  captcha_confidence REAL,
  order_id TEXT
) STRICT;
CREATE INDEX attempts_by_campaign_sent ON attempts (campaign_id, sent_local_ms);
CREATE INDEX attempts_by_campaign_account ON attempts (campaign_id, account_id);
CREATE INDEX attempts_by_campaign_outcome ON attempts (campaign_id, outcome);
CREATE INDEX attempts_by_campaign_endpoint ON attempts (campaign_id, endpoint);

CREATE TABLE clock_samples (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ntp', 'http-field', 'http-date', 'combined')),
  campaign_id TEXT REFERENCES campaigns (id) ON DELETE SET NULL,
  taken_at_local_ms REAL NOT NULL,
  offset_ms REAL NOT NULL,
  delay_ms REAL NOT NULL,
  bound_ms REAL NOT NULL,
  drift_ppm REAL,
  falseticker INTEGER NOT NULL DEFAULT 0 CHECK (falseticker IN (0, 1))
) STRICT;
CREATE INDEX clock_samples_by_time ON clock_samples (taken_at_local_ms);
CREATE INDEX clock_samples_by_campaign ON clock_samples (campaign_id) WHERE campaign_id IS NOT NULL;
