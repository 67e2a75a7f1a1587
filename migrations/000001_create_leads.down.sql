DROP TABLE IF EXISTS leads;

-- pg_trgm stays. An extension belongs to the whole database, not to this
-- table: other objects may use it, and DROP EXTENSION would then fail (or,
-- with CASCADE, silently destroy them). Up creates it with IF NOT EXISTS, so
-- leaving it behind is harmless.
