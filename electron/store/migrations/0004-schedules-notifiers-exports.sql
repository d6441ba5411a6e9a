-- Schedules: the cron expression says when to arm; each run's open instant is the run plus opens_after_ms.
-- checked_at_ms is the last instant the scheduler was alive, so runs missed while the app was closed can be found.
ALTER TABLE schedules ADD COLUMN opens_after_ms INTEGER NOT NULL DEFAULT 60000;
ALTER TABLE schedules ADD COLUMN checked_at_ms INTEGER;
CREATE UNIQUE INDEX schedules_by_name ON schedules (name);

CREATE TABLE schedule_runs (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  run_at_ms INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('started', 'missed', 'skipped-overlap', 'failed')),
  campaign_id TEXT, -- the campaign a started run created (a log entry: no foreign key)
  message TEXT,
  recorded_at_ms INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX schedule_runs_by_schedule ON schedule_runs (schedule_id, run_at_ms);

-- Notifiers: non-secret settings as JSON; secrets (tokens, webhook URLs, signing keys) sealed like account secrets.
CREATE TABLE notifiers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('desktop', 'webhook', 'ntfy', 'dingtalk', 'feishu', 'telegram')),
  config_json TEXT NOT NULL,
  secret_sealed BLOB,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

-- Streaming exports page through a campaign's attempts in id order.
CREATE INDEX attempts_by_campaign_id ON attempts (campaign_id, id);
