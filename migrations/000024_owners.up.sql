-- Owners: a lead, a contact or a deal belongs to a user, by id, or to
-- nobody (NULL). Until now a lead's owner was free text that named nobody
-- in particular ("farah") and could not be changed; contacts and deals had
-- none. The owner is a field reps edit like any other, so it is saved,
-- merged and kept in the *_versions tables with the rest of the row.

-- The versions tables copy rows as they are (record_versions() of 000004
-- INSERTs SELECT *): each versions table gets the column in the same place
-- as its table, the last one, in the same migration. leads is copied by
-- record_lead_versions(), which names its columns; it is rewritten below.
ALTER TABLE leads ADD COLUMN owner_id BIGINT CONSTRAINT leads_owner_fkey REFERENCES users (id);
ALTER TABLE lead_versions ADD COLUMN owner_id BIGINT;
ALTER TABLE contacts ADD COLUMN owner_id BIGINT CONSTRAINT contacts_owner_fkey REFERENCES users (id);
ALTER TABLE contact_versions ADD COLUMN owner_id BIGINT;
ALTER TABLE deals ADD COLUMN owner_id BIGINT CONSTRAINT deals_owner_fkey REFERENCES users (id);
ALTER TABLE deal_versions ADD COLUMN owner_id BIGINT;

-- A text owner names a user when it is, ignoring case, exactly one user's
-- name or the part of one user's email before the @. A text that names two
-- users names neither: guessing would hand leads to the wrong rep.
CREATE TEMPORARY TABLE owner_match AS
SELECT o.owner, min(u.id) AS user_id
FROM (SELECT owner FROM leads WHERE btrim(owner) <> '' UNION SELECT owner FROM lead_versions WHERE btrim(owner) <> '') AS o
JOIN users u ON lower(u.name) = lower(btrim(o.owner)) OR split_part(u.email, '@', 1) = lower(btrim(o.owner))
GROUP BY o.owner
HAVING count(DISTINCT u.id) = 1;

-- The mapping is no save: no new version, no last change, no count moves.
-- The row triggers would record a version that already exists (and fail on
-- its key), so they are off while the column is filled.
ALTER TABLE leads DISABLE TRIGGER USER;
UPDATE leads l SET owner_id = m.user_id FROM owner_match m WHERE m.owner = l.owner;
ALTER TABLE leads ENABLE TRIGGER USER;
UPDATE lead_versions v SET owner_id = m.user_id FROM owner_match m WHERE m.owner = v.owner;

-- A text that names nobody leaves the lead with nobody, and its history
-- says so: an update by "migration" from the old text to nobody, at the
-- lead's current version. The down migration reads the text back from it.
INSERT INTO activity (aggregate_kind, aggregate_id, version, event, actor, changes)
SELECT 'lead', l.id, l.version, 'LeadUpdated', 'migration',
       jsonb_build_array(jsonb_build_object('field', 'owner', 'old', l.owner, 'new', ''))
FROM leads l
WHERE btrim(l.owner) <> '' AND l.owner_id IS NULL
ORDER BY l.id;

DROP TABLE owner_match;

CREATE OR REPLACE FUNCTION record_lead_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lead_versions (lead_id, version, name, email, company, phone, source, score,
                               status, notes, created_at, updated_at, updated_by, deleted_at, owner_id)
    SELECT id, version, name, email, company, phone, source, score,
           status, notes, created_at, updated_at, updated_by, deleted_at, owner_id
    FROM saved_rows;
    RETURN NULL;
END;
$$;

ALTER TABLE leads DROP COLUMN owner;
ALTER TABLE lead_versions DROP COLUMN owner;

-- "My leads", "Unassigned", "My deals", "Mine": a rep's records (or
-- nobody's), live ones, newest first, as the lists' default order walks
-- them. An index costs the saves that change its column, which then cannot
-- be HOT (migration 000012); an owner changes seldom, and every other save
-- leaves these indexes alone and stays HOT.
--
-- Unassigned leads have an index of their own: PostgreSQL walks
-- (owner_id, created_at, id) in order for owner_id = 7 but not for
-- owner_id IS NULL, which it sorted instead. With 1 % of 100,000 leads
-- unassigned, the first page of them took 4.8 ms by the creation index
-- (filtering 99 of each 100 leads) and 0.25 ms by this one; unassigned and
-- converted, 11.2 ms and 2.8 ms.
CREATE INDEX leads_owner_idx ON leads (owner_id, created_at, id) WHERE deleted_at IS NULL AND owner_id IS NOT NULL;
CREATE INDEX leads_unassigned_idx ON leads (created_at, id) WHERE deleted_at IS NULL AND owner_id IS NULL;
CREATE INDEX contacts_owner_idx ON contacts (owner_id, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_owner_idx ON deals (owner_id, id) WHERE deleted_at IS NULL;
