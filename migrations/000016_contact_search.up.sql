-- Contacts are searched as leads are (migrations 000001 and 000014), and
-- had no index for it: a search read every contact, 170-220 ms at 200,000
-- contacts. The same three indexes serve them: trigrams for three
-- characters and more, the start of a name, an email or a company for one
-- or two, and statistics of the searched expression so the planner tells a
-- rare term (the trigram index) from a common one (the newest contacts,
-- read backwards). The expression must stay contactSearchExpr's in
-- infrastructure/postgres/contacts.go.
CREATE INDEX contacts_search_trgm_idx ON contacts
    USING gin ((name || ' ' || email || ' ' || company) gin_trgm_ops);
CREATE INDEX contacts_name_prefix_idx ON contacts (lower(name) text_pattern_ops);
CREATE INDEX contacts_email_prefix_idx ON contacts (lower(email) text_pattern_ops);
CREATE INDEX contacts_company_prefix_idx ON contacts (lower(company) text_pattern_ops);
CREATE STATISTICS contacts_search_stats ON ((name || ' ' || email || ' ' || company)) FROM contacts;
ALTER STATISTICS contacts_search_stats SET STATISTICS 1000;
ANALYZE contacts;
