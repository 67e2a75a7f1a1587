-- The dashboard at a million leads and 200,000 deals (migration 000028
-- made each figure an indexed read; two of them still read as many index
-- entries as there are deals):
--
-- The deals won and lost in a period counted every entry of the period in
-- deal_marks_stage_since_idx: 40,000 for the team's year, 10 ms; a rep's
-- filter on the included owner skipped the others but still read them all.
-- So the deals now in each stage are also counted per owner and per UTC day
-- they entered it, and a period is a sum over at most 366 days of rows plus
-- the marks of the hours at its edges (a rep's midnight is rarely UTC's).
--
-- Kept from deal_marks, whose rows the deal saves keep (000028), by
-- statement triggers in the same statement as the save. Deals of nobody are
-- counted under owner 0, as in lead_owner_status_counts. Neither index holds
-- the count, so a save that adds to a day's row is a HOT update.
CREATE TABLE deal_stage_days (
    owner_id BIGINT NOT NULL,
    stage    TEXT NOT NULL,
    day      DATE NOT NULL,
    deals    BIGINT NOT NULL,
    CONSTRAINT deal_stage_days_pkey PRIMARY KEY (owner_id, stage, day)
) WITH (fillfactor = 70);
-- The team's figures read every owner's days of a stage.
CREATE INDEX deal_stage_days_stage_idx ON deal_stage_days (stage, day);

INSERT INTO deal_stage_days (owner_id, stage, day, deals)
SELECT coalesce(owner_id, 0), stage, (stage_since AT TIME ZONE 'UTC')::date, count(*)
FROM deal_marks WHERE live GROUP BY 1, 2, 3;

-- Rows are changed in key order, so two statements moving deals in
-- opposite directions lock them in the same order and cannot deadlock. A
-- save that changes no deal's stage, owner or life (a title, an amount, the
-- touch of any save) writes nothing here.
CREATE FUNCTION count_deal_stage_days() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deal_stage_days AS c (owner_id, stage, day, deals)
        SELECT coalesce(owner_id, 0), stage, (stage_since AT TIME ZONE 'UTC')::date, count(*)
        FROM added WHERE live GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (owner_id, stage, day) DO UPDATE SET deals = c.deals + EXCLUDED.deals;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO deal_stage_days AS c (owner_id, stage, day, deals)
        SELECT owner_id, stage, day, sum(d) FROM (
            SELECT coalesce(owner_id, 0) AS owner_id, stage, (stage_since AT TIME ZONE 'UTC')::date AS day, 1 AS d FROM added WHERE live
            UNION ALL
            SELECT coalesce(owner_id, 0), stage, (stage_since AT TIME ZONE 'UTC')::date, -1 FROM removed WHERE live
        ) AS moved
        GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (owner_id, stage, day) DO UPDATE SET deals = c.deals + EXCLUDED.deals;
    ELSE
        INSERT INTO deal_stage_days AS c (owner_id, stage, day, deals)
        SELECT coalesce(owner_id, 0), stage, (stage_since AT TIME ZONE 'UTC')::date, -count(*)
        FROM removed WHERE live GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (owner_id, stage, day) DO UPDATE SET deals = c.deals + EXCLUDED.deals;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER deal_marks_count_inserted
    AFTER INSERT ON deal_marks REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_deal_stage_days();
CREATE TRIGGER deal_marks_count_updated
    AFTER UPDATE ON deal_marks REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_deal_stage_days();
-- A purge removes marks by the cascade from deals, which fires this too.
CREATE TRIGGER deal_marks_count_deleted
    AFTER DELETE ON deal_marks REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION count_deal_stage_days();

-- The rotting deals of one rep: deal_marks_touched_idx has the team's in
-- order, and a rep with few deals had the whole range of each open stage
-- read to find theirs (13 ms, and as long again to count them, for a rep
-- with none among 120,000 open deals). Every save already rewrites the
-- index entries of its mark (touched_at is in them), so this one costs a
-- save one more entry, not its HOT update.
CREATE INDEX deal_marks_owner_touched_idx ON deal_marks (owner_id, stage, touched_at, deal_id) WHERE live;

-- The average days per stage walk the latest stage changes of a period to
-- find a rep's deals among them (000028); each step read the history row
-- for its deal, 5,000 rows for a rep with few deals. With the deal in the
-- index the walk reads the index alone. activity is only ever appended to:
-- no save loses its HOT update.
DROP INDEX activity_deal_stage_changes_idx;
CREATE INDEX activity_deal_stage_changes_idx ON activity (occurred_at DESC, id DESC) INCLUDE (aggregate_id)
    WHERE aggregate_kind = 'deal' AND event = 'DealStageChanged';
