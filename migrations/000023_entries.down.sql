-- Entries go, with their versions and history; activity takes the kinds it
-- took before (whatever other migrations added, without 'entry').
DELETE FROM activity WHERE aggregate_kind = 'entry';
DO $$
DECLARE
    kinds text[];
BEGIN
    SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''', 'g') AS m
    WHERE c.conrelid = 'activity'::regclass AND c.conname = 'activity_kind_known';
    ALTER TABLE activity DROP CONSTRAINT activity_kind_known;
    EXECUTE format('ALTER TABLE activity ADD CONSTRAINT activity_kind_known CHECK (aggregate_kind IN (%s))',
                   (SELECT string_agg(quote_literal(k), ', ') FROM unnest(array_remove(kinds, 'entry')) AS k));
END;
$$;
DROP TABLE IF EXISTS entry_versions;
DROP TABLE IF EXISTS entries;
