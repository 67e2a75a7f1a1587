package views

import (
	"context"
	"strconv"
	"sync"

	"crm/domain"
	"crm/domain/user"
)

// directory is the users of one request's pages: the owner select offers
// them and the pages name owners by them. It is read once, when a page
// first needs it, so a request that shows no owner reads no user.
type directory struct {
	once  sync.Once
	load  func(context.Context) ([]user.User, error)
	users []user.User
}

type directoryKey struct{}

// WithDirectory returns ctx carrying the users the pages of its request
// name owners by, read by load when first needed.
func WithDirectory(ctx context.Context, load func(context.Context) ([]user.User, error)) context.Context {
	return context.WithValue(ctx, directoryKey{}, &directory{load: load})
}

// users are the users of ctx's directory; none when it has none, or they
// could not be read: the pages then name an owner by number (OwnerName)
// rather than fail over a label.
func users(ctx context.Context) []user.User {
	d, ok := ctx.Value(directoryKey{}).(*directory)
	if !ok {
		return nil
	}
	d.once.Do(func() {
		if us, err := d.load(ctx); err == nil {
			d.users = us
		}
	})
	return d.users
}

// NobodyLabel is how the pages show a record that belongs to nobody.
const NobodyLabel = "Nobody"

// OwnerName is how the pages name owner id: the user's name, NobodyLabel
// for 0, "user #id" when the users could not be read.
func OwnerName(ctx context.Context, id int64) string {
	if id == 0 {
		return NobodyLabel
	}
	for _, u := range users(ctx) {
		if u.ID == id {
			return u.Name
		}
	}
	return "user #" + strconv.FormatInt(id, 10)
}

// ownerLabel is an owner as its text (domain.OwnerText) is shown in the
// history and the conflict banner: the user's name. A text that is not an
// id (an owner from before owners were users, which the history of such a
// lead still shows) is shown as it is.
func ownerLabel(ctx context.Context, text string) string {
	id, err := domain.ParseOwner(domain.FieldOwner, text)
	if err != nil {
		return text
	}
	return OwnerName(ctx, id)
}

// OwnerOption is one choice of the owner select.
type OwnerOption struct {
	Value, Label string
}

// OwnerOptions are the owner select's choices for a record whose owner is
// current (as its form holds it): nobody, then every active user, and the
// current owner even when deactivated, so showing the form never changes
// the owner.
func OwnerOptions(ctx context.Context, current string) []OwnerOption {
	opts := []OwnerOption{{Value: "", Label: NobodyLabel}}
	found := current == ""
	for _, u := range users(ctx) {
		v := domain.OwnerText(u.ID)
		if u.Deactivated && v != current {
			continue
		}
		found = found || v == current
		opts = append(opts, OwnerOption{Value: v, Label: u.Name})
	}
	if !found {
		opts = append(opts, OwnerOption{Value: current, Label: ownerLabel(ctx, current)})
	}
	return opts
}

// fieldValue is a field's text as the history and the conflict banner
// show it (shownValue), the owner by name.
func fieldValue(ctx context.Context, kind, field, text string) string {
	if field == domain.FieldOwner {
		return ownerLabel(ctx, text)
	}
	return shownValue(readable(kind, field, text, Location(ctx)))
}

// fieldPreview is a field's text as a conflict's note under its input
// quotes it (preview), the owner by name.
func fieldPreview(ctx context.Context, kind, field, text string) string {
	if field == domain.FieldOwner {
		return ownerLabel(ctx, text)
	}
	return preview(readable(kind, field, text, Location(ctx)))
}
