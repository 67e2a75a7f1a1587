-- Deleted rows come back as live ones: a rollback must not lose data.
CREATE OR REPLACE FUNCTION record_lead_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lead_versions (lead_id, version, name, email, company, phone, source, score,
                               status, owner, notes, created_at, updated_at, updated_by)
    SELECT id, version, name, email, company, phone, source, score,
           status, owner, notes, created_at, updated_at, updated_by
    FROM saved_rows;
    RETURN NULL;
END;
$$;

DROP INDEX leads_live_status_id_idx;
CREATE INDEX leads_status_id_idx ON leads (status, id DESC);

ALTER TABLE deal_versions DROP COLUMN deleted_at;
ALTER TABLE deals DROP COLUMN deleted_at;
ALTER TABLE contact_versions DROP COLUMN deleted_at;
ALTER TABLE contacts DROP COLUMN deleted_at;
ALTER TABLE lead_versions DROP COLUMN deleted_at;
ALTER TABLE leads DROP COLUMN deleted_at;
