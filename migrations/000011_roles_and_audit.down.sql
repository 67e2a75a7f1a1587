DROP TABLE audit;
-- Deactivated users would sign in again after this: their password hash
-- becomes one no password matches, their tokens go, and every session
-- ends (which session is whose is inside the session data).
UPDATE users SET password_hash = '!' WHERE deactivated;
DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE deactivated);
DELETE FROM sessions;
ALTER TABLE users DROP COLUMN deactivated, DROP COLUMN role;
