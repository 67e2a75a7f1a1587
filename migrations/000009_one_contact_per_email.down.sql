-- The contacts deleted as duplicates stay in the Trash: restoring them is
-- a rep's decision, not a rollback's.
DROP INDEX contacts_email_key;
