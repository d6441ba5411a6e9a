-- The captcha room's learning loop: which model reads each target's captchas (set in the console, over the
-- profile's captcha.model), and every captcha the operator answered or the target judged, kept as a labelled sample
-- for that target, its image sealed like the accounts' secrets.
CREATE TABLE target_captcha_models (
  target_id TEXT PRIMARY KEY REFERENCES targets (id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  set_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE captcha_samples (
  id INTEGER PRIMARY KEY,
  target_id TEXT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  image_sealed BLOB NOT NULL,
  answer TEXT NOT NULL,
  answered_by TEXT NOT NULL CHECK (answered_by IN ('operator', 'model')),
  model TEXT NOT NULL,
  confidence REAL,
  verdict TEXT NOT NULL DEFAULT 'unknown' CHECK (verdict IN ('unknown', 'accepted', 'rejected')),
  campaign_id TEXT,
  trained_into TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX captcha_samples_by_target ON captcha_samples (target_id, trained_into);
