-- The lead list's tabs show how many live leads each status has. Counting
-- them took 270 ms a page at a million leads (and over a second with eight
-- reps at once), so the counts are kept in a table of their own, changed by
-- the same statement, in the same transaction, as the leads they count:
-- they are exact at every commit and a page reads five rows.
--
-- The triggers are per statement, over transition tables, so the seed's
-- COPY adds one row per status rather than one update per lead. A save that
-- moves no lead in or out of a status (a new phone, a note) changes no
-- count and writes nothing here. Counts are changed in status order, so two
-- moves in opposite directions lock the same rows in the same order and
-- cannot deadlock.
-- No CHECK (live >= 0): PostgreSQL checks the row an INSERT proposes
-- before ON CONFLICT turns it into an update, and a decrement is proposed
-- as a negative row.
CREATE TABLE lead_status_counts (
    status TEXT PRIMARY KEY,
    live   BIGINT NOT NULL
);

INSERT INTO lead_status_counts (status, live)
SELECT status, count(*) FROM leads WHERE deleted_at IS NULL GROUP BY status;

CREATE FUNCTION count_lead_statuses() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_status_counts AS c (status, live)
        SELECT status, count(*) FROM added WHERE deleted_at IS NULL GROUP BY status ORDER BY status
        ON CONFLICT (status) DO UPDATE SET live = c.live + EXCLUDED.live;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO lead_status_counts AS c (status, live)
        SELECT status, sum(d) FROM (
            SELECT status, 1 AS d FROM added WHERE deleted_at IS NULL
            UNION ALL
            SELECT status, -1 FROM removed WHERE deleted_at IS NULL
        ) AS moved
        GROUP BY status HAVING sum(d) <> 0 ORDER BY status
        ON CONFLICT (status) DO UPDATE SET live = c.live + EXCLUDED.live;
    ELSE
        INSERT INTO lead_status_counts AS c (status, live)
        SELECT status, -count(*) FROM removed WHERE deleted_at IS NULL GROUP BY status ORDER BY status
        ON CONFLICT (status) DO UPDATE SET live = c.live + EXCLUDED.live;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER leads_count_inserted
    AFTER INSERT ON leads REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_lead_statuses();
CREATE TRIGGER leads_count_updated
    AFTER UPDATE ON leads REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_lead_statuses();
CREATE TRIGGER leads_count_deleted
    AFTER DELETE ON leads REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION count_lead_statuses();
