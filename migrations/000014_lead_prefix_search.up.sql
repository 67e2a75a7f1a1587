-- A search of one or two characters cannot use the trigram index (a
-- trigram has three), so it read every lead: 0.65 s for "zz" at a million
-- leads. Such a search matches the start of a name, an email or a company
-- instead (what a rep typing a name expects), through these indexes. They
-- cover deleted leads too: ANALYZE keeps statistics of an index's
-- expression only when the index is not partial, and without them the
-- planner guessed that "zz" started 15,000 leads and read every lead
-- backwards. Saves that change none of the three stay HOT.
CREATE INDEX leads_name_prefix_idx ON leads (lower(name) text_pattern_ops);
CREATE INDEX leads_email_prefix_idx ON leads (lower(email) text_pattern_ops);
CREATE INDEX leads_company_prefix_idx ON leads (lower(company) text_pattern_ops);

-- A longer search uses the trigram index when few leads match and reads
-- the newest leads backwards when many do; the planner chooses by how many
-- it expects. Without statistics of the searched expression it expected 100
-- for every term, and for "garcia" (12,753 leads) read 10,700 pages: 44 ms
-- rather than 5. A finer sample of the expression (which must stay the one
-- of leads_search_trgm_idx and of searchExpr in infrastructure/postgres)
-- tells common terms from rare ones, and survives the seed's rebuilding of
-- the index.
CREATE STATISTICS leads_search_stats ON ((name || ' ' || email || ' ' || company)) FROM leads;
ALTER STATISTICS leads_search_stats SET STATISTICS 1000;
ANALYZE leads;
