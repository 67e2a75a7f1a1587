package domain

import (
	"strconv"
	"strings"
)

// FieldOwner names the field of a record that says which user it belongs
// to: leads, contacts and deals all have one, under this name.
const FieldOwner = "owner"

// Owner is the owner field name, the user a record belongs to by id (0 for
// nobody), the member of F that member points to. It is a field like any
// other, saved, merged and recorded as one: its text is the user's id, ""
// for nobody, which is exactly what the owner select of a form posts (the
// pages and the history show the user's name instead, see OwnerText).
func Owner[F any](name string, member func(*F) *int64) Field[F] {
	return Value(name, member, OwnerText)
}

// OwnerText is an owner as a form posts it and the history records it:
// the user's id, or "" for nobody.
func OwnerText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// ParseOwner reads an owner as OwnerText writes it. Anything else is a
// *ValidationError on field, for the rep.
func ParseOwner(field, s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, &ValidationError{Fields: []FieldError{{Field: field, Message: "Choose the owner from the list of users, or nobody."}}}
	}
	return id, nil
}

// CheckOwner adds to v the problem of an owner that cannot name a user.
// Whether that user exists is the store's to check (a foreign key).
func CheckOwner(v *ValidationError, field string, id int64) {
	if id < 0 {
		v.Add(field, "Choose the owner from the list of users, or nobody.")
	}
}
