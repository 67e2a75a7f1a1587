CREATE INDEX leads_live_status_id_idx ON leads (status, id DESC) WHERE deleted_at IS NULL;
DROP INDEX leads_live_status_created_idx;
DROP INDEX leads_created_sort_idx;
DROP INDEX leads_source_idx;
DROP INDEX leads_updated_sort_idx;
DROP INDEX leads_status_sort_idx;
DROP INDEX leads_score_sort_idx;
DROP INDEX leads_company_sort_idx;
DROP INDEX leads_name_sort_idx;
