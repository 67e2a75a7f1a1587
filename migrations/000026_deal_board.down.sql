DROP TRIGGER deals_total_deleted ON deals;
DROP TRIGGER deals_total_updated ON deals;
DROP TRIGGER deals_total_inserted ON deals;
DROP FUNCTION total_deal_stages();
DROP TABLE deal_stage_totals;
DROP INDEX deals_live_stage_idx;
