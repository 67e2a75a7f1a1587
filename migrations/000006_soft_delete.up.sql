-- Deleting a lead, contact or deal keeps it: deleted_at says when, the
-- version that deleted it says who, and restoring it is one more version.
-- Lists leave deleted rows out; the Trash lists them; crm purge removes
-- them for good once they are old enough.
--
-- Each *_versions table gets the column too, in the same place (last), so
-- the history shows the delete and a restore can be compared like any
-- other version, and record_versions() keeps copying rows as they are.
ALTER TABLE leads ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE lead_versions ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE contacts ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE contact_versions ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE deals ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE deal_versions ADD COLUMN deleted_at TIMESTAMPTZ;

CREATE OR REPLACE FUNCTION record_lead_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lead_versions (lead_id, version, name, email, company, phone, source, score,
                               status, owner, notes, created_at, updated_at, updated_by, deleted_at)
    SELECT id, version, name, email, company, phone, source, score,
           status, owner, notes, created_at, updated_at, updated_by, deleted_at
    FROM saved_rows;
    RETURN NULL;
END;
$$;

-- The Trash and the purge read deleted rows by when they were deleted.
CREATE INDEX leads_deleted_idx ON leads (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX contacts_deleted_idx ON contacts (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX deals_deleted_idx ON deals (deleted_at) WHERE deleted_at IS NOT NULL;

-- Every list and count of leads reads live rows only, so the index of the
-- status tabs holds only those: counts stay index-only scans.
DROP INDEX leads_status_id_idx;
CREATE INDEX leads_live_status_id_idx ON leads (status, id DESC) WHERE deleted_at IS NULL;
