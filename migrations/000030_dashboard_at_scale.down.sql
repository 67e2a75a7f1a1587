DROP INDEX activity_deal_stage_changes_idx;
CREATE INDEX activity_deal_stage_changes_idx ON activity (occurred_at DESC, id DESC)
    WHERE aggregate_kind = 'deal' AND event = 'DealStageChanged';
DROP INDEX deal_marks_owner_touched_idx;
DROP TRIGGER deal_marks_count_deleted ON deal_marks;
DROP TRIGGER deal_marks_count_updated ON deal_marks;
DROP TRIGGER deal_marks_count_inserted ON deal_marks;
DROP FUNCTION count_deal_stage_days();
DROP TABLE deal_stage_days;
