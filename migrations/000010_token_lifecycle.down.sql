-- A revoked or expired token would work again after this: delete them
-- first, so rolling back never brings a withdrawn token back.
DELETE FROM api_tokens WHERE revoked_at IS NOT NULL OR expires_at <= now();
ALTER TABLE api_tokens
    DROP COLUMN revoked_at,
    DROP COLUMN read_only,
    DROP COLUMN last_used_at,
    DROP COLUMN expires_at;
