ALTER TABLE deals RESET (fillfactor);
ALTER TABLE contacts RESET (fillfactor);
ALTER TABLE leads RESET (fillfactor);
CREATE INDEX deals_id_version_idx ON deals (id, version);
CREATE INDEX contacts_id_version_idx ON contacts (id, version);
