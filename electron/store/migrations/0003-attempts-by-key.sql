-- Reconciliation looks attempts up by idempotency key; attribution by retry number and captcha confidence.
CREATE INDEX attempts_by_campaign_key ON attempts (campaign_id, idempotency_key);
