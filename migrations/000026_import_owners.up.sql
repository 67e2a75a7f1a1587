-- The user the records an import creates go to: the rep who uploaded it,
-- as a record made on its page is its maker's; NULL for a command-line
-- import in the name of someone who is not a user.
ALTER TABLE imports ADD COLUMN owner_id BIGINT CONSTRAINT imports_owner_fkey REFERENCES users (id);
