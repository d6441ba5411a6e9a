-- A campaign coordinated across a cluster keeps its one record in the ordinary tables, so the console's timeline,
-- attribution and exports cover it: `campaigns.cluster` names where it was coordinated (the Redis it was dealt
-- through; null for a campaign this machine drives itself, which the engine alone may arm, resume or cancel), and
-- `attempts.node_id` which node sent each attempt (null: this machine). Attribution by node reads its own covering index.
ALTER TABLE campaigns ADD COLUMN cluster TEXT;
ALTER TABLE attempts ADD COLUMN node_id TEXT;
CREATE INDEX attempts_attr_node ON attempts (campaign_id, node_id, outcome);
