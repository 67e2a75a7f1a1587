-- Roles: reps edit and delete records; admins also manage users and
-- tokens, purge the Trash and read the audit log. The first user (the one
-- `crm user add` made first) is the admin; later ones are reps unless
-- made admins. A deactivated user cannot sign in and their sessions and
-- tokens stop working.
ALTER TABLE users
    ADD COLUMN role TEXT NOT NULL DEFAULT 'rep' CONSTRAINT users_role_known CHECK (role IN ('rep', 'admin')),
    ADD COLUMN deactivated BOOLEAN NOT NULL DEFAULT false;
UPDATE users SET role = 'admin' WHERE id = (SELECT min(id) FROM users);

-- What admins did, and what anyone was refused: who, what, to what, when,
-- and whether it was done. The activity table stays each record's own
-- history; this one is the CRM's.
CREATE TABLE audit (
    id      BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT audit_pkey PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    done    BOOLEAN NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
