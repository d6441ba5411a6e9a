-- Attribution reads one covering index per dimension: (campaign, the dimension's column, outcome), so a query over a
-- million attempts never touches the table. They replace the narrower (campaign, endpoint) and (campaign, outcome).
DROP INDEX attempts_by_campaign_endpoint;
DROP INDEX attempts_by_campaign_outcome;
CREATE INDEX attempts_attr_account ON attempts (campaign_id, account_id, outcome);
CREATE INDEX attempts_attr_endpoint ON attempts (campaign_id, endpoint, outcome);
CREATE INDEX attempts_attr_fire ON attempts (campaign_id, sent_server_ms, outcome);
CREATE INDEX attempts_attr_latency ON attempts (campaign_id, latency_ms, outcome);
CREATE INDEX attempts_attr_error ON attempts (campaign_id, outcome, error_code);
CREATE INDEX attempts_attr_captcha ON attempts (campaign_id, captcha_confidence, outcome);
CREATE INDEX attempts_attr_retry ON attempts (campaign_id, retry, outcome);
DROP INDEX attempts_by_campaign_account;
