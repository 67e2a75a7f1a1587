-- The time zone each rep's browser reports (an IANA name such as
-- Europe/Lisbon, checked by the app against the zones it knows): their
-- pages show dates in it. Empty until the browser has said, shown as UTC.
ALTER TABLE users
    ADD COLUMN time_zone TEXT NOT NULL DEFAULT ''
        CONSTRAINT users_time_zone_length CHECK (char_length(time_zone) <= 64);
