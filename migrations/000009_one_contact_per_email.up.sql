-- One live contact per email address (compared case-insensitively; text is
-- stored in NFC since 000008): two leads with one email, converted at the
-- same instant, link one contact instead of creating two, and a rep cannot
-- create a second contact for an address that has one.
--
-- Contacts already sharing an address keep the oldest; the others are
-- deleted, as one more version saying why, and stay in the Trash, from
-- where a rep can restore them under another address.
WITH ranked AS (
    SELECT id, row_number() OVER (PARTITION BY lower(email) ORDER BY id) AS n
    FROM contacts
    WHERE email <> '' AND deleted_at IS NULL
)
UPDATE contacts c
SET deleted_at = now(), version = c.version + 1, updated_at = now(), updated_by = 'duplicate email'
FROM ranked
WHERE ranked.id = c.id AND ranked.n > 1;

CREATE UNIQUE INDEX contacts_email_key ON contacts (lower(email)) WHERE email <> '' AND deleted_at IS NULL;
