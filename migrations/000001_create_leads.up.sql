-- Trigram indexes let ILIKE '%text%' search use an index instead of reading
-- every lead. IF NOT EXISTS because the extension is per database and may
-- already be there (another schema in the database, or a re-run after down).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The CHECKs repeat the limits in domain/lead/fields.go and status.go, so a
-- bug, a script or a hand-written UPDATE cannot store a lead the domain would
-- refuse; lead.Rehydrate trusts what it reads. char_length counts characters,
-- as the domain's utf8.RuneCountInString does, not bytes.
CREATE TABLE leads (
    id         BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT leads_pkey PRIMARY KEY,
    name       TEXT NOT NULL
               CONSTRAINT leads_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
    email      TEXT NOT NULL DEFAULT ''
               CONSTRAINT leads_email_length CHECK (char_length(email) <= 254),
    company    TEXT NOT NULL DEFAULT ''
               CONSTRAINT leads_company_length CHECK (char_length(company) <= 200),
    phone      TEXT NOT NULL DEFAULT ''
               CONSTRAINT leads_phone_length CHECK (char_length(phone) <= 40),
    source     TEXT NOT NULL DEFAULT ''
               CONSTRAINT leads_source_length CHECK (char_length(source) <= 200),
    score      INT NOT NULL DEFAULT 0
               CONSTRAINT leads_score_range CHECK (score BETWEEN 0 AND 100),
    status     TEXT NOT NULL DEFAULT 'NEW'
               CONSTRAINT leads_status_known CHECK (status IN ('NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'LOST')),
    owner      TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT ''
               CONSTRAINT leads_notes_length CHECK (char_length(notes) <= 10000),
    -- Every save is a compare-and-swap on version; it only ever grows, which
    -- is what lets the repository tell a stale save from a deleted lead.
    version    BIGINT NOT NULL DEFAULT 1
               CONSTRAINT leads_version_positive CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by TEXT NOT NULL DEFAULT '',
    CONSTRAINT leads_converted_score CHECK (status <> 'CONVERTED' OR score >= 80)
);

-- The status tabs list one status newest first and page with id < cursor;
-- identity ids only grow, so id DESC is newest first. The unfiltered list
-- walks the primary key backwards and needs no index of its own.
CREATE INDEX leads_status_id_idx ON leads (status, id DESC);

-- Search matches anywhere in name, email and company. Queries must spell the
-- expression exactly like this for the planner to use the index.
CREATE INDEX leads_search_trgm_idx ON leads
    USING gin ((name || ' ' || email || ' ' || company) gin_trgm_ops);

-- No CREATE INDEX CONCURRENTLY: it cannot run inside the transaction a
-- migration runs in, and the table is new and empty anyway.
