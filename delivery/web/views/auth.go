package views

import (
	"context"
	"time"

	"crm/domain/user"
)

type userKey struct{}

// WithUser returns ctx carrying the signed-in rep, for handlers and for the
// layout, which shows who is signed in.
func WithUser(ctx context.Context, u user.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// CurrentUser returns the signed-in rep of a request's context.
func CurrentUser(ctx context.Context) (user.User, bool) {
	u, ok := ctx.Value(userKey{}).(user.User)
	return u, ok
}

// Location is the time zone the pages of a request's signed-in rep show
// dates in: the one their browser reported, UTC until it has, and UTC
// without a rep. Handlers that read dates a rep typed read them in it too.
func Location(ctx context.Context) *time.Location {
	u, _ := CurrentUser(ctx)
	return u.TimeZone.Location()
}

// LoginView is the sign-in page.
type LoginView struct {
	Email  string // as typed, shown again after a failure
	Next   string // where to go once signed in
	Error  string
	Notice string
}
