-- Every saved version of every lead, so a stale save can be compared with
-- the exact version the rep started from (a three-way comparison: what they
-- started from, what is saved now, what they typed) and the lead's history
-- can be shown.
--
-- Triggers write it, not the repository: then no write path (the app, the
-- seed's COPY, a hand-written UPDATE) can store a version without its
-- history row, and the row commits or rolls back with the change itself.
-- They are statement-level with transition tables, so a bulk COPY adds one
-- INSERT ... SELECT rather than a trigger call per row.
--
-- No foreign key to leads: deleting a lead keeps its history.
CREATE TABLE lead_versions (
    lead_id    BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    company    TEXT NOT NULL,
    phone      TEXT NOT NULL,
    source     TEXT NOT NULL,
    score      INT NOT NULL,
    status     TEXT NOT NULL,
    owner      TEXT NOT NULL,
    notes      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    CONSTRAINT lead_versions_pkey PRIMARY KEY (lead_id, version)
);

CREATE FUNCTION record_lead_versions() RETURNS trigger
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

-- PostgreSQL allows a transition table on a trigger for one event only,
-- hence two triggers sharing the function.
CREATE TRIGGER leads_record_inserted_versions
    AFTER INSERT ON leads REFERENCING NEW TABLE AS saved_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_lead_versions();

CREATE TRIGGER leads_record_updated_versions
    AFTER UPDATE ON leads REFERENCING NEW TABLE AS saved_rows
    FOR EACH STATEMENT EXECUTE FUNCTION record_lead_versions();

-- Leads that existed before this migration get their current version as
-- the first history row.
INSERT INTO lead_versions (lead_id, version, name, email, company, phone, source, score,
                           status, owner, notes, created_at, updated_at, updated_by)
SELECT id, version, name, email, company, phone, source, score,
       status, owner, notes, created_at, updated_at, updated_by
FROM leads;
