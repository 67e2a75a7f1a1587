-- The deal board reads each stage's column newest first, and adds up every
-- stage's amounts per currency; this one index answers both, the totals by
-- an index-only scan.
CREATE INDEX deals_live_stage_idx ON deals (stage, id DESC) INCLUDE (currency, amount_minor, owner_id) WHERE deleted_at IS NULL;
