-- API tokens expire (90 days unless asked otherwise), may be read-only,
-- can be revoked, and say when they were last used. Tokens issued before
-- get the default 90 days from now.
ALTER TABLE api_tokens
    ADD COLUMN expires_at   TIMESTAMPTZ,
    ADD COLUMN last_used_at TIMESTAMPTZ,
    ADD COLUMN read_only    BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN revoked_at   TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = now() + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
