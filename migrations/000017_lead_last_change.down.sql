DROP TRIGGER leads_touch_updated ON leads;
DROP TRIGGER leads_touch_inserted ON leads;
DROP FUNCTION touch_leads();
DROP TABLE lead_touches;
CREATE INDEX leads_updated_sort_idx ON leads (updated_at, id) WHERE deleted_at IS NULL;
