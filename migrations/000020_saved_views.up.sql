-- Saved views of the lead list: a rep saves the list's filters and order
-- (the query its address holds) under a name, for themselves or shared with
-- the team. A view is a versioned aggregate like a lead: saved by
-- compare-and-swap, every version kept, its events in activity, deleted to
-- the Trash.
CREATE TABLE saved_views (
    id         BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT saved_views_pkey PRIMARY KEY,
    name       TEXT NOT NULL CONSTRAINT saved_views_name_length CHECK (char_length(name) BETWEEN 1 AND 60),
    -- The list's query in the form the list writes it ("sort=score&status=NEW").
    query      TEXT NOT NULL DEFAULT '' CONSTRAINT saved_views_query_length CHECK (char_length(query) <= 2000),
    shared     BOOLEAN NOT NULL DEFAULT false,
    -- Who saved it decides who sees and manages it: the user, by id (names
    -- are not unique); their name, which never changes, is what pages show.
    owner_id   BIGINT NOT NULL CONSTRAINT saved_views_owner_fkey REFERENCES users (id),
    owner      TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1 CONSTRAINT saved_views_version_positive CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by TEXT NOT NULL DEFAULT '',
    deleted_at TIMESTAMPTZ
) WITH (fillfactor = 85); -- room for HOT saves, as migration 000012 gives the other tables

-- The tabs of a rep: their own live views (this index) and the shared ones.
-- A team has tens of views, not millions: the shared ones are read by a
-- scan, and no index holds a column a rename or a re-share changes.
CREATE INDEX saved_views_owner_idx ON saved_views (owner_id) WHERE deleted_at IS NULL;
-- The Trash and the purge read deleted rows by when they were deleted.
CREATE INDEX saved_views_deleted_idx ON saved_views (deleted_at) WHERE deleted_at IS NOT NULL;

-- Every saved version, filled by record_versions() (migration 000004),
-- which copies rows as they are: the same columns in the same order.
CREATE TABLE saved_view_versions (LIKE saved_views, CONSTRAINT saved_view_versions_pkey PRIMARY KEY (id, version));
CREATE TRIGGER saved_views_record_inserted_versions AFTER INSERT ON saved_views
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('saved_view_versions');
CREATE TRIGGER saved_views_record_updated_versions AFTER UPDATE ON saved_views
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('saved_view_versions');

-- activity takes the events of the kinds its CHECK lists. The list is read
-- from the constraint and 'view' added to it, rather than written out here,
-- so a kind another migration added meanwhile stays in it.
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
    -- Written as an IN list, as 000003 wrote it, so that the next migration
    -- reads it back the same way.
    EXECUTE format('ALTER TABLE activity ADD CONSTRAINT activity_kind_known CHECK (aggregate_kind IN (%s))',
                   (SELECT string_agg(quote_literal(k), ', ') FROM unnest(array_append(array_remove(kinds, 'view'), 'view')) AS k));
END;
$$;
