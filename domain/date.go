package domain

import (
	"fmt"
	"time"
)

// DateLayout is how a Date is written, in forms, the API and storage.
const DateLayout = time.DateOnly

// Date is a calendar day with no time of day and no zone, such as the day
// a deal is expected to close: a rep in Tokyo and one in Lisbon mean the
// same day by it. The zero Date is no date at all.
type Date struct {
	t time.Time // midnight UTC of the day; the zero time for none
}

// DateOf is the day t falls on in t's own location: the caller picks the
// zone (the rep's) in which "today" is read.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// ParseDate reads s, written as 2026-12-31, as the date field label names
// (field in errors); blank is no date. Anything else is refused with a
// *ValidationError on field.
func ParseDate(field, label, s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, &ValidationError{Fields: []FieldError{{Field: field,
			Message: fmt.Sprintf("%s is a date written like 2026-12-31.", label)}}}
	}
	return DateOf(t), nil
}

// IsZero reports whether d is no date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is d written like 2026-12-31, or "" for no date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(DateLayout)
}

// Time is midnight UTC of d, the zero time for no date: how stores hold it.
func (d Date) Time() time.Time { return d.t }
