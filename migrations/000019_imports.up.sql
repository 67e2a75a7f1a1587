-- CSV imports of leads and contacts (usecase/imports). The app keeps no
-- state of its own, so an uploaded file and how far its import has come
-- live here, where every instance sees them: a page served by one
-- instance follows an import another runs, and an import whose instance
-- went away resumes where it stopped.
CREATE TABLE imports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT imports_pkey PRIMARY KEY,
    kind            TEXT NOT NULL CONSTRAINT imports_kind_known CHECK (kind IN ('lead', 'contact')),
    -- The rep who uploaded the file; the records it writes are saved in
    -- their name.
    created_by      TEXT NOT NULL,
    file_name       TEXT NOT NULL CONSTRAINT imports_file_name_length CHECK (char_length(file_name) <= 255),
    -- The file as uploaded (at most 32 MiB), emptied once imported.
    content         BYTEA NOT NULL,
    content_sha256  BYTEA NOT NULL CONSTRAINT imports_sha256_size CHECK (octet_length(content_sha256) = 32),
    -- What the preview shows without reading the file again: the header,
    -- the first rows (with their lines), whether a byte order mark was
    -- removed and the separator.
    header          JSONB NOT NULL,
    sample          JSONB NOT NULL,
    bom             BOOLEAN NOT NULL DEFAULT false,
    separator       TEXT NOT NULL DEFAULT ',',
    -- The target field of each column ("" for ignored), and whether rows
    -- whose email a record has update it.
    mapping         JSONB NOT NULL,
    update_existing BOOLEAN NOT NULL DEFAULT false,
    status          TEXT NOT NULL DEFAULT 'uploaded'
                    CONSTRAINT imports_status_known CHECK (status IN ('uploaded', 'checked', 'running', 'done')),
    rows_total      INT NOT NULL CONSTRAINT imports_rows_total_positive CHECK (rows_total >= 0),
    -- Rows imported: moved on in the same transaction as the chunk of rows
    -- it counts, so it is exact at every commit, and a second run of the
    -- same chunk finds it moved and writes nothing.
    rows_done       INT NOT NULL DEFAULT 0 CONSTRAINT imports_rows_done_range CHECK (rows_done BETWEEN 0 AND rows_total),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    checked_at      TIMESTAMPTZ,
    -- When the running import last committed a chunk: one silent for long
    -- lost its instance and may be resumed.
    heartbeat_at    TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ
);
-- Each page lists the recent imports of its kind; the command line finds a
-- running import of the same file to resume.
CREATE INDEX imports_kind_idx ON imports (kind, id DESC);
CREATE INDEX imports_running_idx ON imports (kind, content_sha256) WHERE status = 'running';

-- One row of an import's report per data row of its file: what the dry run
-- planned and why, and once imported what was done. An update keeps the
-- version the dry run saw, at which it is a compare-and-swap.
CREATE TABLE import_rows (
    import_id BIGINT NOT NULL CONSTRAINT import_rows_import_fkey REFERENCES imports (id) ON DELETE CASCADE,
    seq       INT NOT NULL,
    line      INT NOT NULL,
    planned   TEXT NOT NULL CONSTRAINT import_rows_planned_known CHECK (planned IN ('create', 'update', 'duplicate', 'invalid')),
    outcome   TEXT CONSTRAINT import_rows_outcome_known
              CHECK (outcome IN ('created', 'updated', 'unchanged', 'duplicate', 'invalid', 'conflict')),
    reason    TEXT NOT NULL DEFAULT '',
    hint      TEXT NOT NULL DEFAULT '',
    record_id BIGINT,
    version   BIGINT,
    CONSTRAINT import_rows_pkey PRIMARY KEY (import_id, seq)
);
