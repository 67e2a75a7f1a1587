-- Sorting leads by their last change had its own index on leads
-- (updated_at, id) (migration 000015). updated_at changes on every save, so
-- that index made every save a non-HOT update, inserting into all of the
-- table's indexes, the trigram one included: measured at a million leads,
-- HOT updates fell from 99 % to 0 %, raw saves from 5,300/s to 1,100-1,900/s
-- and API saves from 890/s to 470-640/s (docs/benchmarks.md).
--
-- The order lives in a narrow table of its own instead, kept by statement
-- triggers in the same statement as each save (as lead_status_counts is):
-- a save rewrites one small row with two small indexes, and the lead's own
-- update stays HOT. The list reads it by walking (touched_at, lead_id) and
-- joining each lead by its primary key. touched_at is the lead's
-- updated_at, so a page cursor taken from a lead matches it.
DROP INDEX leads_updated_sort_idx;

CREATE TABLE lead_touches (
    lead_id    BIGINT PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
    touched_at TIMESTAMPTZ NOT NULL
) WITH (fillfactor = 85);
CREATE INDEX lead_touches_order_idx ON lead_touches (touched_at, lead_id);

INSERT INTO lead_touches (lead_id, touched_at) SELECT id, updated_at FROM leads;

CREATE FUNCTION touch_leads() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_touches (lead_id, touched_at) SELECT id, updated_at FROM added;
    ELSE
        -- The statement holds the locks of these leads' rows until it
        -- commits, so no other save can be touching the same rows here.
        UPDATE lead_touches t SET touched_at = a.updated_at
        FROM added a
        WHERE t.lead_id = a.id AND t.touched_at IS DISTINCT FROM a.updated_at;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER leads_touch_inserted
    AFTER INSERT ON leads REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION touch_leads();
CREATE TRIGGER leads_touch_updated
    AFTER UPDATE ON leads REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION touch_leads();
