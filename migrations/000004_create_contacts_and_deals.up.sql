-- Contacts and deals: the two aggregates a lead conversion creates. Both are
-- versioned and saved by compare-and-swap like leads, and keep every saved
-- version (see 000002 for why) through one generic trigger function.

CREATE TABLE contacts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT contacts_pkey PRIMARY KEY,
    name       TEXT NOT NULL CONSTRAINT contacts_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
    email      TEXT NOT NULL DEFAULT '' CONSTRAINT contacts_email_length CHECK (char_length(email) <= 254),
    phone      TEXT NOT NULL DEFAULT '' CONSTRAINT contacts_phone_length CHECK (char_length(phone) <= 40),
    company    TEXT NOT NULL DEFAULT '' CONSTRAINT contacts_company_length CHECK (char_length(company) <= 200),
    version    BIGINT NOT NULL DEFAULT 1 CONSTRAINT contacts_version_positive CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by TEXT NOT NULL DEFAULT ''
);
-- The (id, version) index the locking plan asked for on every aggregate:
-- the compare-and-swap's WHERE id = $1 AND version = $2 is answered from it.
CREATE INDEX contacts_id_version_idx ON contacts (id, version);
-- Converting a lead links an existing contact with the same email.
CREATE INDEX contacts_email_idx ON contacts (lower(email)) WHERE email <> '';
CREATE INDEX contacts_name_idx ON contacts (lower(name), id);

CREATE TABLE deals (
    id           BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT deals_pkey PRIMARY KEY,
    title        TEXT NOT NULL CONSTRAINT deals_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    -- Money in minor units (cents) with its ISO 4217 currency: never floats.
    amount_minor BIGINT NOT NULL CONSTRAINT deals_amount_range CHECK (amount_minor BETWEEN 0 AND 100000000000000),
    currency     TEXT NOT NULL CONSTRAINT deals_currency_code CHECK (currency ~ '^[A-Z]{3}$'),
    stage        TEXT NOT NULL DEFAULT 'OPEN' CONSTRAINT deals_stage_known CHECK (stage IN ('OPEN', 'WON', 'LOST')),
    contact_id   BIGINT NOT NULL CONSTRAINT deals_contact_fkey REFERENCES contacts (id),
    -- The lead the deal was converted from; a deleted lead leaves the deal.
    lead_id      BIGINT CONSTRAINT deals_lead_fkey REFERENCES leads (id) ON DELETE SET NULL,
    version      BIGINT NOT NULL DEFAULT 1 CONSTRAINT deals_version_positive CHECK (version >= 1),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deals_id_version_idx ON deals (id, version);
CREATE INDEX deals_contact_idx ON deals (contact_id, id DESC);
-- A lead converts once: even a bug in the use case cannot give it two deals.
CREATE UNIQUE INDEX deals_lead_once_idx ON deals (lead_id) WHERE lead_id IS NOT NULL;

-- Version history. A *_versions table has its aggregate's columns in the
-- same order (LIKE copies them without the identity), so one function
-- serves every table. A column added to an aggregate must be added to its
-- versions table in the same migration.
CREATE TABLE contact_versions (LIKE contacts, CONSTRAINT contact_versions_pkey PRIMARY KEY (id, version));
CREATE TABLE deal_versions (LIKE deals, CONSTRAINT deal_versions_pkey PRIMARY KEY (id, version));

CREATE FUNCTION record_versions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- contacts → contact_versions, deals → deal_versions
    EXECUTE format('INSERT INTO %I SELECT * FROM saved_rows', TG_ARGV[0]);
    RETURN NULL;
END;
$$;

CREATE TRIGGER contacts_record_inserted_versions AFTER INSERT ON contacts
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('contact_versions');
CREATE TRIGGER contacts_record_updated_versions AFTER UPDATE ON contacts
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('contact_versions');
CREATE TRIGGER deals_record_inserted_versions AFTER INSERT ON deals
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('deal_versions');
CREATE TRIGGER deals_record_updated_versions AFTER UPDATE ON deals
    REFERENCING NEW TABLE AS saved_rows FOR EACH STATEMENT EXECUTE FUNCTION record_versions('deal_versions');
