-- The planner reads the selectivity of a search (an ILIKE on the searched
-- expression) from the statistics of the trigram index over it, when the
-- index has them, before any extended statistics: the finer samples of
-- migrations 000014 and 000016 (1,000 bounds) went unread behind the
-- index's own (100). Measured at a million leads, one ANALYZE later
-- "garcia" (12,732 leads) was expected 100 times: each of a searched
-- board's five columns read every match through the index (25-37 ms
-- each) instead of its newest leads until 51 matched (4-18 ms). The index
-- gets the finer sample itself, and the statistics it hid go.
ALTER INDEX leads_search_trgm_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX contacts_search_trgm_idx ALTER COLUMN 1 SET STATISTICS 1000;
DROP STATISTICS leads_search_stats;
DROP STATISTICS contacts_search_stats;
ANALYZE leads;
ANALYZE contacts;
