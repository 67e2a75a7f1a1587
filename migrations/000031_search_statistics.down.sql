CREATE STATISTICS contacts_search_stats ON ((name || ' ' || email || ' ' || company)) FROM contacts;
ALTER STATISTICS contacts_search_stats SET STATISTICS 1000;
CREATE STATISTICS leads_search_stats ON ((name || ' ' || email || ' ' || company)) FROM leads;
ALTER STATISTICS leads_search_stats SET STATISTICS 1000;
ALTER INDEX contacts_search_trgm_idx ALTER COLUMN 1 SET STATISTICS -1;
ALTER INDEX leads_search_trgm_idx ALTER COLUMN 1 SET STATISTICS -1;
ANALYZE leads;
ANALYZE contacts;
