DROP STATISTICS contacts_search_stats;
DROP INDEX contacts_company_prefix_idx;
DROP INDEX contacts_email_prefix_idx;
DROP INDEX contacts_name_prefix_idx;
DROP INDEX contacts_search_trgm_idx;
