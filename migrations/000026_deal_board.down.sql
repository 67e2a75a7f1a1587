DROP INDEX deals_live_stage_idx;
