DROP TRIGGER IF EXISTS leads_record_updated_versions ON leads;
DROP TRIGGER IF EXISTS leads_record_inserted_versions ON leads;
DROP FUNCTION IF EXISTS record_lead_versions();
DROP TABLE IF EXISTS lead_versions;
