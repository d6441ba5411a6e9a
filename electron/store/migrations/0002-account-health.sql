-- Account health: consecutive rate-limit/lock answers (cool-down after repeats), a flag for accounts that need a
-- person to sign in (no password, or the target refused it), and when the last health check ran.
ALTER TABLE accounts ADD COLUMN consecutive_limited INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN sign_in_needed INTEGER NOT NULL DEFAULT 0 CHECK (sign_in_needed IN (0, 1));
ALTER TABLE accounts ADD COLUMN last_checked_at_ms INTEGER;
ALTER TABLE accounts ADD COLUMN sign_in_error TEXT;
