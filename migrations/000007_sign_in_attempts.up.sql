-- Sign-in limits per account and address (usecase/auth.Limits): the
-- failures of one account from one address decide its back-off, and the
-- addresses an account signed in from are let through when the account as
-- a whole is being guessed at, so nobody can lock its owner out.
CREATE INDEX login_failures_pair_idx ON login_failures (email, address, at);

CREATE TABLE sign_in_addresses (
    email   TEXT NOT NULL,
    address TEXT NOT NULL,
    last_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT sign_in_addresses_pkey PRIMARY KEY (email, address)
);
