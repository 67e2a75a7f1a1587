-- Back to OPEN, WON and LOST: every open stage is OPEN again, in deals and
-- deal_versions, without a new version; the dates go. The history is left
-- as it is, as on the way up: its moves between open stages stay written
-- as they happened.
ALTER TABLE deals DROP CONSTRAINT deals_stage_known;

ALTER TABLE deals DISABLE TRIGGER USER;
UPDATE deals SET stage = 'OPEN' WHERE stage IN ('QUALIFICATION', 'PROPOSAL', 'NEGOTIATION');
ALTER TABLE deals ENABLE TRIGGER USER;
UPDATE deal_versions SET stage = 'OPEN' WHERE stage IN ('QUALIFICATION', 'PROPOSAL', 'NEGOTIATION');

ALTER TABLE deals ALTER COLUMN stage SET DEFAULT 'OPEN';
ALTER TABLE deals ADD CONSTRAINT deals_stage_known CHECK (stage IN ('OPEN', 'WON', 'LOST'));

ALTER TABLE deal_versions DROP COLUMN closed_on;
ALTER TABLE deal_versions DROP COLUMN expected_close;
ALTER TABLE deals DROP COLUMN closed_on;
ALTER TABLE deals DROP COLUMN expected_close;
