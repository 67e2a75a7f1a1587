DROP TRIGGER leads_count_deleted ON leads;
DROP TRIGGER leads_count_updated ON leads;
DROP TRIGGER leads_count_inserted ON leads;
DROP FUNCTION count_lead_statuses();
DROP TABLE lead_status_counts;
