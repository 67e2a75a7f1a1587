-- Back to a text owner on leads: the owner's name, or the text the up
-- migration could not map, read back from the history entry it wrote
-- (which goes); contacts and deals had no owner.
DROP INDEX IF EXISTS deals_owner_idx;
DROP INDEX IF EXISTS contacts_owner_idx;
DROP INDEX IF EXISTS leads_unassigned_idx;
DROP INDEX IF EXISTS leads_owner_idx;

ALTER TABLE leads ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE lead_versions ADD COLUMN owner TEXT NOT NULL DEFAULT '';

ALTER TABLE leads DISABLE TRIGGER USER;
UPDATE leads l SET owner = u.name FROM users u WHERE u.id = l.owner_id;
UPDATE leads l SET owner = a.changes->0->>'old'
FROM activity a
WHERE a.aggregate_kind = 'lead' AND a.aggregate_id = l.id AND a.actor = 'migration'
  AND a.event = 'LeadUpdated' AND a.changes->0->>'field' = 'owner' AND l.owner_id IS NULL;
ALTER TABLE leads ENABLE TRIGGER USER;
UPDATE lead_versions v SET owner = u.name FROM users u WHERE u.id = v.owner_id;
UPDATE lead_versions v SET owner = a.changes->0->>'old'
FROM activity a
WHERE a.aggregate_kind = 'lead' AND a.aggregate_id = v.lead_id AND a.actor = 'migration'
  AND a.event = 'LeadUpdated' AND a.changes->0->>'field' = 'owner' AND v.owner_id IS NULL AND v.version <= a.version;
DELETE FROM activity
WHERE aggregate_kind = 'lead' AND actor = 'migration' AND event = 'LeadUpdated' AND changes->0->>'field' = 'owner';

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

ALTER TABLE leads DROP COLUMN owner_id;
ALTER TABLE lead_versions DROP COLUMN owner_id;
ALTER TABLE contacts DROP COLUMN owner_id;
ALTER TABLE contact_versions DROP COLUMN owner_id;
ALTER TABLE deals DROP COLUMN owner_id;
ALTER TABLE deal_versions DROP COLUMN owner_id;
