DROP TABLE IF EXISTS deal_versions;
DROP TABLE IF EXISTS contact_versions;
DROP TABLE IF EXISTS deals;
DROP TABLE IF EXISTS contacts;
DROP FUNCTION IF EXISTS record_versions();
