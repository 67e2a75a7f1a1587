-- The lead list sorts by name, company, score, status and last change, both
-- ways, paged by keyset: (key, id) past the last lead shown. Each index
-- below serves one key in both directions (read backwards for descending)
-- and covers live leads only, as the list does.
--
-- Names and companies sort as people read them, not by code point: "adam",
-- "Bob", "Émile" and "zoe" in that order. The ICU root collation does this
-- and needs no lower() in the key, so the cursor carries the value as
-- stored.
--
-- Every index costs the saves that change its column: such an update can
-- no longer be HOT (migration 000012) and must insert into every index of
-- the table, the trigram one included. Names, companies and scores change
-- seldom and status moves already cost it (leads_live_status_id_idx); the
-- last change changes on every save, so its index makes every save non-HOT.
-- docs/benchmarks.md measures what that costs.
CREATE INDEX leads_name_sort_idx ON leads (name COLLATE "und-x-icu", id) WHERE deleted_at IS NULL;
CREATE INDEX leads_company_sort_idx ON leads (company COLLATE "und-x-icu", id) WHERE deleted_at IS NULL;
CREATE INDEX leads_score_sort_idx ON leads (score, id) WHERE deleted_at IS NULL;
-- The funnel's order, as lead.Statuses and leads.StatusRank have it.
CREATE INDEX leads_status_sort_idx ON leads
    (array_position('{NEW,CONTACTED,QUALIFIED,CONVERTED,LOST}'::text[], status), id) WHERE deleted_at IS NULL;
CREATE INDEX leads_updated_sort_idx ON leads (updated_at, id) WHERE deleted_at IS NULL;

-- Creation order, the list's default, is by created_at rather than by id:
-- ids follow creation too, but the planner cannot know it, and served a
-- created range (January's leads) by walking the whole primary key from the
-- newest lead, 441 ms at a million leads. created_at never changes, so this
-- index costs saves nothing. The status tabs keep their own index in that
-- order, replacing (status, id).
CREATE INDEX leads_created_sort_idx ON leads (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX leads_live_status_created_idx ON leads (status, created_at, id) WHERE deleted_at IS NULL;
DROP INDEX leads_live_status_id_idx;

-- The source filter, newest first, and the list of sources the filter
-- offers, read by skipping from one source to the next.
CREATE INDEX leads_source_idx ON leads (source, created_at, id) WHERE deleted_at IS NULL;
