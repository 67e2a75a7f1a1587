-- Tasks: something a rep is to do, by when, for whom, about which lead,
-- contact or deal. A task is a versioned aggregate like a lead: saved by
-- compare-and-swap, every version kept, its events in activity, deleted to
-- the Trash.
CREATE TABLE tasks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT tasks_pkey PRIMARY KEY,
    title       TEXT NOT NULL CONSTRAINT tasks_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    -- NULL for no due time; kept to the minute.
    due         TIMESTAMPTZ,
    done        BOOLEAN NOT NULL DEFAULT false,
    -- The rep it is for, by id (names are not unique); their name, which
    -- never changes, is what pages and the history show.
    assignee_id BIGINT NOT NULL CONSTRAINT tasks_assignee_fkey REFERENCES users (id),
    assignee    TEXT NOT NULL,
    priority    TEXT NOT NULL DEFAULT 'normal' CONSTRAINT tasks_priority_known CHECK (priority IN ('low', 'normal', 'high')),
    -- The record the task is about. No foreign key: it may be a lead, a
    -- contact or a deal, and a task keeps pointing at a record that was
    -- deleted, or purged, so its page can say so.
    link_kind   TEXT CONSTRAINT tasks_link_kind_known CHECK (link_kind IN ('lead', 'contact', 'deal')),
    link_id     BIGINT,
    version     BIGINT NOT NULL DEFAULT 1 CONSTRAINT tasks_version_positive CHECK (version >= 1),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by  TEXT NOT NULL DEFAULT '',
    deleted_at  TIMESTAMPTZ,
    CONSTRAINT tasks_link_whole CHECK ((link_kind IS NULL) = (link_id IS NULL))
) WITH (fillfactor = 85); -- room for HOT saves, as migration 000012 gives the other tables

-- A rep's open tasks by due time: /today, the nav's overdue count. The
-- partial index holds done, due, assignee_id and deleted_at, so a save that
-- completes, reschedules, reassigns or deletes a task is not HOT (ADR
-- 0005); a task is completed once and rescheduled rarely, while a rename
-- or a change of priority, the saves made often, stay HOT.
CREATE INDEX tasks_open_assignee_due_idx ON tasks (assignee_id, due) WHERE NOT done AND deleted_at IS NULL;
-- Every rep's open tasks falling due in a window, for the reminders.
CREATE INDEX tasks_open_due_idx ON tasks (due) WHERE NOT done AND deleted_at IS NULL;
-- The tasks on a record's page.
CREATE INDEX tasks_link_idx ON tasks (link_kind, link_id) WHERE link_kind IS NOT NULL;
-- The Trash and the purge read deleted rows by when they were deleted.
CREATE INDEX tasks_deleted_idx ON tasks (deleted_at) WHERE deleted_at IS NOT NULL;

-- Every saved version, filled by record_versions() (migration 000004),
-- which copies rows as they are: the same columns in the same order.
CREATE TABLE task_versions (LIKE tasks, CONSTRAINT task_versions_pkey PRIMARY KEY (id, version));
CREATE TRIGGER tasks_record_inserted_versions AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('task_versions');
CREATE TRIGGER tasks_record_updated_versions AFTER UPDATE ON tasks
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('task_versions');

-- activity takes the events of the kinds its CHECK lists: 'task' is added
-- to the list read from the constraint (see migration 000020).
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
                   (SELECT string_agg(quote_literal(k), ', ') FROM unnest(array_append(array_remove(kinds, 'task'), 'task')) AS k));
END;
$$;
