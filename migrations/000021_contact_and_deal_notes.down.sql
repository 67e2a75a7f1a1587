ALTER TABLE deal_versions DROP COLUMN notes;
ALTER TABLE deals DROP COLUMN notes;
ALTER TABLE contact_versions DROP COLUMN notes;
ALTER TABLE contacts DROP COLUMN notes;
