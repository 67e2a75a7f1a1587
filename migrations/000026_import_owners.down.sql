ALTER TABLE imports DROP COLUMN owner_id;
