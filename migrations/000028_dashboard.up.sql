-- The dashboard (/dashboard) reads a rep's funnel and pipeline on every
-- visit, at a million leads and 200,000 deals, within 50 ms. Each figure is
-- one indexed read of a few rows; what it needs is kept here.

-- The funnel of one rep's leads. lead_status_counts (migration 000013) has
-- the whole team's; counting one owner's leads by status reads every lead
-- of theirs (half a million rows with two reps). So the counts are
-- also kept per owner, by the same kind of statement trigger, exact at every
-- commit. Leads of nobody are counted under owner 0 (a key cannot be NULL;
-- no user has id 0).
CREATE TABLE lead_owner_status_counts (
    owner_id BIGINT NOT NULL,
    status   TEXT NOT NULL,
    live     BIGINT NOT NULL,
    CONSTRAINT lead_owner_status_counts_pkey PRIMARY KEY (owner_id, status)
);

INSERT INTO lead_owner_status_counts (owner_id, status, live)
SELECT coalesce(owner_id, 0), status, count(*) FROM leads WHERE deleted_at IS NULL GROUP BY 1, 2;

-- Rows are changed in key order, so two statements moving leads in
-- opposite directions lock them in the same order and cannot deadlock. A
-- save that moves no lead between owners or statuses writes nothing here.
CREATE FUNCTION count_lead_owner_statuses() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO lead_owner_status_counts AS c (owner_id, status, live)
        SELECT coalesce(owner_id, 0), status, count(*) FROM added WHERE deleted_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (owner_id, status) DO UPDATE SET live = c.live + EXCLUDED.live;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO lead_owner_status_counts AS c (owner_id, status, live)
        SELECT owner_id, status, sum(d) FROM (
            SELECT coalesce(owner_id, 0) AS owner_id, status, 1 AS d FROM added WHERE deleted_at IS NULL
            UNION ALL
            SELECT coalesce(owner_id, 0), status, -1 FROM removed WHERE deleted_at IS NULL
        ) AS moved
        GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
        ON CONFLICT (owner_id, status) DO UPDATE SET live = c.live + EXCLUDED.live;
    ELSE
        INSERT INTO lead_owner_status_counts AS c (owner_id, status, live)
        SELECT coalesce(owner_id, 0), status, -count(*) FROM removed WHERE deleted_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (owner_id, status) DO UPDATE SET live = c.live + EXCLUDED.live;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER leads_count_owner_inserted
    AFTER INSERT ON leads REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_lead_owner_statuses();
CREATE TRIGGER leads_count_owner_updated
    AFTER UPDATE ON leads REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION count_lead_owner_statuses();
CREATE TRIGGER leads_count_owner_deleted
    AFTER DELETE ON leads REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION count_lead_owner_statuses();

-- The open pipeline: the live deals and their amounts per owner, stage and
-- currency. Summing them from an index-only scan read every open deal:
-- 36 ms for one rep, 58 ms for the team at 120,000 open deals. So the sums
-- are kept like the lead counts above, and a page reads a few rows. The
-- amounts are NUMERIC: 200,000 deals at the largest amount a deal may hold
-- overflow a BIGINT. A save that changes no owner, stage, currency or
-- amount (a title, the notes) writes nothing here.
CREATE TABLE deal_pipeline_sums (
    owner_id     BIGINT NOT NULL,
    stage        TEXT NOT NULL,
    currency     TEXT NOT NULL,
    deals        BIGINT NOT NULL,
    amount_minor NUMERIC NOT NULL,
    CONSTRAINT deal_pipeline_sums_pkey PRIMARY KEY (owner_id, stage, currency)
);

INSERT INTO deal_pipeline_sums (owner_id, stage, currency, deals, amount_minor)
SELECT coalesce(owner_id, 0), stage, currency, count(*), sum(amount_minor) FROM deals WHERE deleted_at IS NULL GROUP BY 1, 2, 3;

CREATE FUNCTION sum_deal_pipeline() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deal_pipeline_sums AS p (owner_id, stage, currency, deals, amount_minor)
        SELECT coalesce(owner_id, 0), stage, currency, count(*), sum(amount_minor)
        FROM added WHERE deleted_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (owner_id, stage, currency) DO UPDATE
        SET deals = p.deals + EXCLUDED.deals, amount_minor = p.amount_minor + EXCLUDED.amount_minor;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO deal_pipeline_sums AS p (owner_id, stage, currency, deals, amount_minor)
        SELECT owner_id, stage, currency, sum(d), sum(amount) FROM (
            SELECT coalesce(owner_id, 0) AS owner_id, stage, currency, 1 AS d, amount_minor::numeric AS amount FROM added WHERE deleted_at IS NULL
            UNION ALL
            SELECT coalesce(owner_id, 0), stage, currency, -1, -amount_minor::numeric FROM removed WHERE deleted_at IS NULL
        ) AS moved
        GROUP BY 1, 2, 3 HAVING sum(d) <> 0 OR sum(amount) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (owner_id, stage, currency) DO UPDATE
        SET deals = p.deals + EXCLUDED.deals, amount_minor = p.amount_minor + EXCLUDED.amount_minor;
    ELSE
        INSERT INTO deal_pipeline_sums AS p (owner_id, stage, currency, deals, amount_minor)
        SELECT coalesce(owner_id, 0), stage, currency, -count(*), -sum(amount_minor)
        FROM removed WHERE deleted_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (owner_id, stage, currency) DO UPDATE
        SET deals = p.deals + EXCLUDED.deals, amount_minor = p.amount_minor + EXCLUDED.amount_minor;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER deals_sum_inserted
    AFTER INSERT ON deals REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sum_deal_pipeline();
CREATE TRIGGER deals_sum_updated
    AFTER UPDATE ON deals REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION sum_deal_pipeline();
CREATE TRIGGER deals_sum_deleted
    AFTER DELETE ON deals REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION sum_deal_pipeline();

-- When each deal entered its stage and when it was last saved: deals won
-- and lost in a period (entered Won or Lost then), and the rotting deals
-- (open, not saved for N days). Indexing deals.updated_at would make every
-- deal save a non-HOT update (as leads' was, migration 000017), so these
-- live in a narrow table of their own, kept by statement triggers in the
-- same statement as each save, as lead_touches is.
CREATE TABLE deal_marks (
    deal_id     BIGINT CONSTRAINT deal_marks_pkey PRIMARY KEY REFERENCES deals (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    owner_id    BIGINT,
    live        BOOLEAN NOT NULL,
    -- The save that moved the deal into stage (its creation if none did).
    stage_since TIMESTAMPTZ NOT NULL,
    touched_at  TIMESTAMPTZ NOT NULL
) WITH (fillfactor = 85);
CREATE INDEX deal_marks_stage_since_idx ON deal_marks (stage, stage_since) INCLUDE (owner_id) WHERE live;
CREATE INDEX deal_marks_touched_idx ON deal_marks (stage, touched_at, deal_id) INCLUDE (owner_id) WHERE live;

-- A deal entered its stage at its last stage change in the history, or
-- when it was created.
INSERT INTO deal_marks (deal_id, stage, owner_id, live, stage_since, touched_at)
SELECT d.id, d.stage, d.owner_id, d.deleted_at IS NULL,
       coalesce((SELECT max(a.occurred_at) FROM activity a
                 WHERE a.aggregate_kind = 'deal' AND a.aggregate_id = d.id AND a.event = 'DealStageChanged'), d.created_at),
       d.updated_at
FROM deals d;

CREATE FUNCTION mark_deals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deal_marks (deal_id, stage, owner_id, live, stage_since, touched_at)
        SELECT id, stage, owner_id, deleted_at IS NULL, created_at, updated_at FROM added;
    ELSE
        -- The statement holds these deals' row locks until it commits: no
        -- other save is marking the same rows.
        UPDATE deal_marks m
        SET stage = a.stage, owner_id = a.owner_id, live = a.deleted_at IS NULL, touched_at = a.updated_at,
            stage_since = CASE WHEN a.stage IS DISTINCT FROM r.stage THEN a.updated_at ELSE m.stage_since END
        FROM added a JOIN removed r ON r.id = a.id
        WHERE m.deal_id = a.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER deals_mark_inserted
    AFTER INSERT ON deals REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION mark_deals();
CREATE TRIGGER deals_mark_updated
    AFTER UPDATE ON deals REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION mark_deals();

-- The average days per stage read the latest stage changes of deals in a
-- period, newest first; activity is only ever appended to, so this index
-- costs no save its HOT update.
CREATE INDEX activity_deal_stage_changes_idx ON activity (occurred_at DESC, id DESC)
    WHERE aggregate_kind = 'deal' AND event = 'DealStageChanged';
