// Package user holds the reps who sign in to the CRM: who they are and the
// rules for their names, addresses and passwords. Password hashing itself is
// infrastructure; this package only says what a usable password is.
package user

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"crm/domain"
)

// Limits on what a user may hold. The database has the same CHECKs.
const (
	MaxNameLen = 200
	// MinPasswordLen follows NIST SP 800-63B's minimum for chosen secrets;
	// MaxPasswordLen is bcrypt's input limit in bytes.
	MinPasswordLen = 12
	MaxPasswordLen = 72
)

// Field names, as used in forms and validation errors.
const (
	FieldEmail    = "email"
	FieldName     = "name"
	FieldPassword = "password"
)

// User is a rep who can sign in. Name is what banners and histories show
// ("Maria saved this lead"); Email is how they sign in, unique ignoring case.
type User struct {
	ID    int64
	Email string
	Name  string
}

// New validates a user about to be added, with the password they chose,
// and returns it normalized (trimmed, email in lower case).
func New(email, name, password string) (User, error) {
	u := User{Email: domain.NFC(strings.ToLower(strings.TrimSpace(email))), Name: domain.NFC(strings.TrimSpace(name))}
	var v domain.ValidationError
	if u.Email == "" {
		v.Add(FieldEmail, "Email is required.")
	} else {
		domain.CheckEmail(&v, FieldEmail, u.Email)
	}
	if !domain.Visible(u.Name) {
		domain.CheckRequired(&v, FieldName, "Name", u.Name)
	} else {
		domain.CheckText(&v, FieldName, "Name", u.Name, MaxNameLen)
	}
	switch {
	case !utf8.ValidString(password):
		v.Add(FieldPassword, "The password must be text.")
	case utf8.RuneCountInString(password) < MinPasswordLen:
		v.Add(FieldPassword, fmt.Sprintf("The password needs at least %d characters.", MinPasswordLen))
	case len(password) > MaxPasswordLen:
		v.Add(FieldPassword, fmt.Sprintf("The password may have at most %d bytes.", MaxPasswordLen))
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	return u, nil
}
