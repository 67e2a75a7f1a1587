package web

import (
	"context"
	"net/http"
	"slices"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/user"
)

// UserDirectory lists the users records can belong to, for the owner
// select and the names the pages show owners by.
type UserDirectory interface {
	// List returns every user, deactivated ones included, by name.
	List(ctx context.Context) ([]user.User, error)
}

// withDirectory gives the pages of r the users of s.users, read when a
// page first needs them.
func (s *server) withDirectory(r *http.Request) *http.Request {
	if s.users == nil {
		return r
	}
	return r.WithContext(views.WithDirectory(r.Context(), s.users.List))
}

// decodeOwner reads the owner select of form r into owner; a value that
// names no user is a message in invalid. A form without the select is a
// create (an edit lacking an input is refused before it is decoded, see
// requireInputs): what a rep creates is theirs.
func decodeOwner(r *http.Request, values map[string]string, owner *int64, invalid *domain.ValidationError) {
	if _, ok := r.PostForm[domain.FieldOwner]; !ok {
		*owner = me(r).ID
		return
	}
	id, err := domain.ParseOwner(domain.FieldOwner, values[domain.FieldOwner])
	if err != nil {
		invalid.Add(domain.FieldOwner, err.(*domain.ValidationError).For(domain.FieldOwner))
		return
	}
	*owner = id
}

// creatorOwns is the owner a create form starts with: the rep creating
// the record.
func creatorOwns(r *http.Request) string { return domain.OwnerText(me(r).ID) }

// withoutOwner is inputs without the owner.
func withoutOwner(inputs []string) []string {
	return slices.DeleteFunc(slices.Clone(inputs), func(s string) bool { return s == domain.FieldOwner })
}
