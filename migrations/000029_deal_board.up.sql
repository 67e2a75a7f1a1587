-- The deal board reads each stage's column newest first (a keyset walk of
-- (stage, id) among live deals). Its counts and amounts per currency are
-- read from deal_pipeline_sums (migration 000028), which the saves keep
-- exact per owner, stage and currency.
CREATE INDEX deals_live_stage_idx ON deals (stage, id DESC) WHERE deleted_at IS NULL;
