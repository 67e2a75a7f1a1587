-- The activity log: the domain events every aggregate records, written by
-- the repository in the same transaction as the change that produced them
-- (a transactional outbox), so an event exists if and only if its change
-- committed. Pages read it as each aggregate's history.
CREATE TABLE activity (
    id             BIGINT GENERATED ALWAYS AS IDENTITY CONSTRAINT activity_pkey PRIMARY KEY,
    aggregate_kind TEXT NOT NULL
                   CONSTRAINT activity_kind_known CHECK (aggregate_kind IN ('lead', 'contact', 'deal')),
    aggregate_id   BIGINT NOT NULL,
    -- The version the change produced: history reads "version 3: score 70 → 85".
    version        BIGINT NOT NULL CONSTRAINT activity_version_positive CHECK (version >= 1),
    event          TEXT NOT NULL,
    actor          TEXT NOT NULL DEFAULT '',
    changes        JSONB NOT NULL DEFAULT '[]',
    refs           JSONB NOT NULL DEFAULT '{}',
    occurred_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One aggregate's history, newest first.
CREATE INDEX activity_aggregate_idx ON activity (aggregate_kind, aggregate_id, id DESC);
