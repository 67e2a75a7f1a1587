-- Deal pipeline stages: an open deal is in Qualification, Proposal or
-- Negotiation (domain/deal/stage.go), and no longer merely OPEN. Every
-- OPEN deal was somewhere before its first proposal as far as anyone
-- recorded, so it is in Qualification now, in deals and in deal_versions
-- alike: the versions are the deal as it was, read by merges and the
-- conflict view, and must name stages the code knows.
--
-- The mapping is no move and no save: no new version, no last change, and
-- nothing added to the history. The activity rows that say a deal went
-- from OPEN to WON stay as written: they were true when they were written,
-- and the history shows them as "Open", a stage deals once had.
--
-- With the stages come two dates, appended to deals and deal_versions in
-- the same order (record_versions() of 000004 copies rows with SELECT *):
-- expected_close, the day the rep expects the deal to close, which a deal
-- needs to enter Negotiation; closed_on, the day it was won or lost, which
-- a deal needs to be won.
ALTER TABLE deals ADD COLUMN expected_close DATE;
ALTER TABLE deals ADD COLUMN closed_on DATE;
ALTER TABLE deal_versions ADD COLUMN expected_close DATE;
ALTER TABLE deal_versions ADD COLUMN closed_on DATE;

ALTER TABLE deals DROP CONSTRAINT deals_stage_known;

-- The row triggers would record a version that already exists (and fail
-- on its key), so they are off while the rows are mapped.
ALTER TABLE deals DISABLE TRIGGER USER;
UPDATE deals SET stage = 'QUALIFICATION' WHERE stage = 'OPEN';
-- A deal already won or lost closed on the day its last move there was
-- recorded (in UTC: the day is read where the server keeps time), or, with
-- no such event, the day it was last saved. Only the current row gets it:
-- older versions were written before anyone kept the day.
UPDATE deals d
SET closed_on = coalesce((
        SELECT (a.occurred_at AT TIME ZONE 'UTC')::date
        FROM activity a
        WHERE a.aggregate_kind = 'deal' AND a.aggregate_id = d.id AND a.event = 'DealStageChanged'
          AND a.changes @> jsonb_build_array(jsonb_build_object('field', 'stage', 'new', d.stage))
        ORDER BY a.id DESC
        LIMIT 1),
    (d.updated_at AT TIME ZONE 'UTC')::date)
WHERE d.stage IN ('WON', 'LOST');
ALTER TABLE deals ENABLE TRIGGER USER;

UPDATE deal_versions SET stage = 'QUALIFICATION' WHERE stage = 'OPEN';
UPDATE deal_versions v SET closed_on = d.closed_on
FROM deals d
WHERE v.id = d.id AND v.version = d.version AND d.closed_on IS NOT NULL;

ALTER TABLE deals ALTER COLUMN stage SET DEFAULT 'QUALIFICATION';
ALTER TABLE deals ADD CONSTRAINT deals_stage_known
    CHECK (stage IN ('QUALIFICATION', 'PROPOSAL', 'NEGOTIATION', 'WON', 'LOST'));
