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
	FieldRole     = "role"
)

// User is a rep who can sign in. Name is what banners and histories show
// ("Maria saved this lead"); Email is how they sign in, unique ignoring case.
type User struct {
	ID    int64
	Email string
	Name  string
	Role  Role
	// Deactivated users cannot sign in, and their sessions and tokens stop
	// working; their name stays on what they did.
	Deactivated bool
	// TimeZone is where the rep's browser says they are: their pages show
	// dates in it.
	TimeZone TimeZone
}

// Role is what a user may do. Reps edit and delete records; admins also
// manage users and tokens, purge the Trash and read the audit log.
type Role string

// The roles.
const (
	RoleRep   Role = "rep"
	RoleAdmin Role = "admin"
)

// Roles lists the roles, in the order forms offer them.
var Roles = []Role{RoleRep, RoleAdmin}

// ParseRole reads a role, refusing anything unknown.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.TrimSpace(strings.ToLower(s))); r {
	case RoleRep, RoleAdmin:
		return r, nil
	}
	return "", &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldRole, Message: fmt.Sprintf("A role is rep or admin, not %q.", s)}}}
}

// Admin reports whether u may administer the CRM.
func (u User) Admin() bool { return u.Role == RoleAdmin && !u.Deactivated }

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
	checkPassword(&v, password)
	if err := v.Err(); err != nil {
		return User{}, err
	}
	return u, nil
}

// CheckPassword validates a password chosen for an existing user.
func CheckPassword(password string) error {
	var v domain.ValidationError
	checkPassword(&v, password)
	return v.Err()
}

func checkPassword(v *domain.ValidationError, password string) {
	switch {
	case !utf8.ValidString(password):
		v.Add(FieldPassword, "The password must be text.")
	case utf8.RuneCountInString(password) < MinPasswordLen:
		v.Add(FieldPassword, fmt.Sprintf("The password needs at least %d characters.", MinPasswordLen))
	case len(password) > MaxPasswordLen:
		v.Add(FieldPassword, fmt.Sprintf("The password may have at most %d bytes.", MaxPasswordLen))
	}
}
