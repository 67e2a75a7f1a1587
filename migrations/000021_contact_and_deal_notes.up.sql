-- Notes on contacts and deals, as leads have them: free text that two reps'
-- stale saves merge line by line (domain.MergeLines), with the leads' limit.
--
-- record_versions() (migration 000004) copies a saved row into its
-- *_versions table with SELECT *, so both tables must hold the same columns
-- in the same order. ADD COLUMN appends: notes goes after deleted_at in the
-- table and in its versions table alike. Nothing reads these tables by
-- position but that function; the repositories name their columns.
ALTER TABLE contacts ADD COLUMN notes TEXT NOT NULL DEFAULT ''
    CONSTRAINT contacts_notes_length CHECK (char_length(notes) <= 10000);
ALTER TABLE contact_versions ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN notes TEXT NOT NULL DEFAULT ''
    CONSTRAINT deals_notes_length CHECK (char_length(notes) <= 10000);
ALTER TABLE deal_versions ADD COLUMN notes TEXT NOT NULL DEFAULT '';
