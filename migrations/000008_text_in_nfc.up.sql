-- Text is stored in Unicode normal form C from now on (domain.NFC): "Zoé"
-- typed as "e" and a combining accent is the same name as "Zoé" typed as
-- one character, and a search for one finds the other. Rows saved before
-- are brought to that form here, as one more version of each record
-- changed, so the history and the compare-and-swap stay exact.
UPDATE leads
SET name = normalize(name, NFC), email = normalize(email, NFC), company = normalize(company, NFC),
    phone = normalize(phone, NFC), source = normalize(source, NFC), notes = normalize(notes, NFC),
    version = version + 1, updated_at = now(), updated_by = 'text normalization'
WHERE NOT (name IS NFC NORMALIZED AND email IS NFC NORMALIZED AND company IS NFC NORMALIZED
           AND phone IS NFC NORMALIZED AND source IS NFC NORMALIZED AND notes IS NFC NORMALIZED);

UPDATE contacts
SET name = normalize(name, NFC), email = normalize(email, NFC), phone = normalize(phone, NFC),
    company = normalize(company, NFC),
    version = version + 1, updated_at = now(), updated_by = 'text normalization'
WHERE NOT (name IS NFC NORMALIZED AND email IS NFC NORMALIZED AND phone IS NFC NORMALIZED
           AND company IS NFC NORMALIZED);

UPDATE deals
SET title = normalize(title, NFC), version = version + 1, updated_at = now(), updated_by = 'text normalization'
WHERE NOT title IS NFC NORMALIZED;

UPDATE users SET name = normalize(name, NFC), email = normalize(email, NFC)
WHERE NOT (name IS NFC NORMALIZED AND email IS NFC NORMALIZED);
