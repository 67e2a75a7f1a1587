DROP STATISTICS leads_search_stats;
DROP INDEX leads_company_prefix_idx;
DROP INDEX leads_email_prefix_idx;
DROP INDEX leads_name_prefix_idx;
