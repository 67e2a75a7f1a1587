-- Entries: the notes and the logged calls, emails and meetings of a lead, a
-- contact or a deal, which the record's timeline shows beside its history.
-- An entry is a versioned aggregate like a lead: logging one is an insert
-- (it never conflicts), its author's edits are compare-and-swap saves, every
-- version is kept, its events go to activity.
CREATE TABLE entries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT entries_pkey PRIMARY KEY,
    type        TEXT NOT NULL CONSTRAINT entries_type_known CHECK (type IN ('note', 'call', 'email', 'meeting')),
    body        TEXT NOT NULL DEFAULT '' CONSTRAINT entries_body_length CHECK (char_length(body) <= 10000),
    outcome     TEXT NOT NULL DEFAULT '' CONSTRAINT entries_outcome_known CHECK (
                    outcome = ''
                    OR (type = 'call' AND outcome IN ('connected', 'voicemail', 'no-answer'))
                    OR (type = 'meeting' AND outcome IN ('held', 'no-show'))),
    duration    INTEGER NOT NULL DEFAULT 0 CONSTRAINT entries_duration_range CHECK (
                    duration BETWEEN 0 AND 1440 AND (duration = 0 OR type IN ('call', 'meeting'))),
    -- The record it belongs to. Records of three tables: no foreign key, as
    -- activity has none; a purge of the record removes its entries with it.
    record_kind TEXT NOT NULL CONSTRAINT entries_record_kind_known CHECK (record_kind IN ('lead', 'contact', 'deal')),
    record_id   BIGINT NOT NULL,
    -- Who logged it decides who edits it: the user, by id; their name is
    -- what pages show.
    author_id   BIGINT NOT NULL CONSTRAINT entries_author_fkey REFERENCES users (id),
    author      TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    hidden      BOOLEAN NOT NULL DEFAULT false,
    version     BIGINT NOT NULL DEFAULT 1 CONSTRAINT entries_version_positive CHECK (version >= 1),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by  TEXT NOT NULL DEFAULT '',
    deleted_at  TIMESTAMPTZ,
    CONSTRAINT entries_note_has_text CHECK (type <> 'note' OR body ~ '[^[:space:]]')
) WITH (fillfactor = 85); -- room for HOT saves: no index holds a column an edit changes

-- A record's timeline, newest first, one page at a time: an index scan from
-- the cursor on, however many records and entries there are. Deleted
-- entries are left out of the index, as the timeline leaves them out.
CREATE INDEX entries_timeline_idx ON entries (record_kind, record_id, occurred_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX entries_deleted_idx ON entries (deleted_at) WHERE deleted_at IS NOT NULL;

-- Every saved version, filled by record_versions() (migration 000004),
-- which copies rows as they are: the same columns in the same order.
CREATE TABLE entry_versions (LIKE entries, CONSTRAINT entry_versions_pkey PRIMARY KEY (id, version));
CREATE TRIGGER entries_record_inserted_versions AFTER INSERT ON entries
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('entry_versions');
CREATE TRIGGER entries_record_updated_versions AFTER UPDATE ON entries
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('entry_versions');

-- activity takes the events of the kinds its CHECK lists: read from the
-- constraint and 'entry' added, so a kind another migration added stays.
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''', 'g') AS m
    WHERE c.conrelid = 'activity'::regclass AND c.conname = 'activity_kind_known';
    IF kinds IS NULL THEN
        RAISE EXCEPTION 'activity_kind_known lists no kind: migration 000003 not applied?';
    END IF;
    ALTER TABLE activity DROP CONSTRAINT activity_kind_known;
    EXECUTE format('ALTER TABLE activity ADD CONSTRAINT activity_kind_known CHECK (aggregate_kind IN (%s))',
                   (SELECT string_agg(quote_literal(k), ', ') FROM unnest(array_append(array_remove(kinds, 'entry'), 'entry')) AS k));
END;
$$;
