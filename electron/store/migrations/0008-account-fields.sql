-- Account fields beyond username and password (a passenger id, a member number): plain ones as JSON, secret ones
-- sealed as one JSON blob, with their names kept in plain so the console can show which are set.
ALTER TABLE accounts ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN secret_field_names_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE accounts ADD COLUMN secret_fields_sealed BLOB;
