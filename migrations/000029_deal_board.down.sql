DROP INDEX IF EXISTS deals_live_stage_idx;
