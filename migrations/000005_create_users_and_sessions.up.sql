-- Sign-in: the reps, their sessions, their API tokens and the login attempts
-- the rate limit counts. All of it lives in PostgreSQL so that any app
-- instance can serve any request.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT users_pkey PRIMARY KEY,
    -- Stored in lower case; the unique index makes "Maria@x" and "maria@x" one user.
    email         TEXT NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) BETWEEN 3 AND 254)
                  CONSTRAINT users_email_lower CHECK (email = lower(email)),
    name          TEXT NOT NULL CONSTRAINT users_name_length CHECK (char_length(name) BETWEEN 1 AND 200),
    -- A bcrypt hash ($2a$…); the password itself is never stored.
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- The schema github.com/alexedwards/scs/pgxstore reads and writes.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- API bearer tokens. Only a SHA-256 of the token is kept: a stolen backup
-- holds no usable token. Tokens are 256 random bits, so a fast hash is
-- enough (there is nothing to brute-force as with passwords).
CREATE TABLE api_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT api_tokens_pkey PRIMARY KEY,
    user_id    BIGINT NOT NULL CONSTRAINT api_tokens_user_fkey REFERENCES users (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL CONSTRAINT api_tokens_hash_size CHECK (octet_length(token_hash) = 32),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);

-- Failed sign-ins, counted per account and per address over a sliding
-- window; rows older than the window are deleted as new ones arrive.
CREATE TABLE login_failures (
    id      BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT login_failures_pkey PRIMARY KEY,
    email   TEXT NOT NULL,
    address TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_address_idx ON login_failures (address, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);
