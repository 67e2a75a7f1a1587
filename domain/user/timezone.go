package user

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"crm/domain"
)

// FieldTimeZone names a rep's time zone in forms and validation errors.
const FieldTimeZone = "time_zone"

// MaxTimeZoneLen bounds the name of a time zone; the database has the
// same CHECK. The longest IANA name is about 30 characters.
const MaxTimeZoneLen = 64

// TimeZone is the IANA name of the time zone a rep's pages show dates in
// ("Europe/Lisbon"), as their browser reports it. The zero value is a zone
// not reported yet: dates are then shown in UTC.
type TimeZone string

// ParseTimeZone reads the name of a time zone, refusing with a
// *domain.ValidationError one this server does not know, and "Local",
// which would be the server's own.
func ParseTimeZone(s string) (TimeZone, error) {
	name := strings.TrimSpace(s)
	refused := func() error {
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldTimeZone,
			Message: fmt.Sprintf("%q is not a time zone this CRM knows, such as Europe/Lisbon.", s)}}}
	}
	if name == "" || name == "Local" || len(name) > MaxTimeZoneLen {
		return "", refused()
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return "", refused()
	}
	locations.Store(name, loc)
	return TimeZone(name), nil
}

// locations keeps the zones loaded once (name → *time.Location): every
// page a rep reads needs theirs, and loading one reads its file.
var locations sync.Map

// Location is the zone dates are shown in: UTC when none is known, or when
// this server no longer knows a stored one.
func (z TimeZone) Location() *time.Location {
	if z == "" {
		return time.UTC
	}
	if loc, ok := locations.Load(string(z)); ok {
		return loc.(*time.Location)
	}
	parsed, err := ParseTimeZone(string(z))
	if err != nil {
		return time.UTC
	}
	loc, _ := locations.Load(string(parsed))
	return loc.(*time.Location)
}
