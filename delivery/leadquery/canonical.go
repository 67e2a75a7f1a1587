package leadquery

import (
	"net/url"
	"strings"
	"time"
)

// Canonical reads raw, a view as an address holds it ("?status=NEW&sort=score",
// with or without the "?" or the list's path before it), and writes it as
// Encode does: only what differs from the list as it first opens, in one
// order, without a page cursor, so one view has one text and a saved view
// compares with the address a rep is on. Dates are days and stay the same
// days (read and written in one zone), so a saved view opens on the same
// days in every rep's zone. What Parse refuses is its Problems.
func Canonical(raw string) (string, error) {
	raw = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(raw), "/leads"), "?")
	v, err := url.ParseQuery(raw)
	if err != nil {
		return "", Problems{{Message: "The view's address cannot be read: write it as the list's address has it, such as status=NEW&sort=score."}}
	}
	q, err := Parse(v, time.UTC, 0)
	if err != nil {
		return "", err
	}
	return Encode(q, time.UTC).Encode(), nil
}
