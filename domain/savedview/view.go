// Package savedview holds the SavedView aggregate: a view of the lead list
// (its filters and order) that a rep saved under a name, for themselves or
// shared with the team, and who may see and change it.
package savedview

import (
	"fmt"
	"time"

	"crm/domain"
	"crm/domain/user"
)

// Kind names the aggregate in optimistic-lock errors, activity and its
// pages' addresses (/views/{id}).
const Kind = "view"

// Names of the events a view records.
const (
	EventCreated = "ViewCreated"
	EventUpdated = "ViewUpdated"
)

var _ domain.AggregateRoot = (*View)(nil)

// Owner is the rep who saved a view: their user id decides who may see
// and manage it, their name is what pages show.
type Owner struct {
	ID   int64
	Name string
}

// OwnerOf returns u as the owner of the views they save.
func OwnerOf(u user.User) Owner { return Owner{ID: u.ID, Name: u.Name} }

// View is a saved view of the lead list. Its fields are unexported so
// every change goes through a method that keeps it valid and records what
// changed.
//
// Who may do what, the rules a team's shared tabs need:
//   - a personal view (not shared) is its owner's alone: nobody else sees,
//     opens or changes it, admins included;
//   - a shared view is every rep's: anyone may open it, rename it or
//     update its filters, and two reps doing so at once meet as on any
//     record (merge, or the side-by-side conflict);
//   - only its owner, or an admin, may stop sharing it, delete it or
//     restore it, so nobody can take a team's tab away from the rep who
//     made it; an admin may, for the views of a rep who left.
type View struct {
	domain.Root
	fields Fields
	owner  Owner
}

// New validates f and returns a view saved by owner. It has no id or
// version until a repository stores it.
func New(f Fields, owner Owner) (*View, error) {
	if owner.ID < 1 {
		return nil, fmt.Errorf("new view: owner %q has no user id", owner.Name)
	}
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	v := &View{fields: f, owner: owner}
	v.Record(domain.Event{Name: EventCreated, Actor: owner.Name, Changes: domain.Diff(Fields{}, f)})
	return v, nil
}

// Snapshot is a view's complete state as stored. Only repositories build
// views from one (see Rehydrate).
type Snapshot struct {
	ID        int64
	Version   int64
	Fields    Fields
	Owner     Owner
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// Rehydrate rebuilds a view from storage without validating it again: the
// database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *View {
	return &View{Root: domain.Restore(domain.Meta{ID: s.ID, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}), fields: s.Fields, owner: s.Owner}
}

// Snapshot returns the view's complete state, for repositories.
func (v *View) Snapshot() Snapshot {
	m := v.Meta()
	return Snapshot{ID: m.ID, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		Fields: v.fields, Owner: v.owner}
}

// Fields returns the editable fields.
func (v *View) Fields() Fields { return v.fields }

// Owner returns the rep who saved the view.
func (v *View) Owner() Owner { return v.owner }

// Edit replaces the editable fields on behalf of rep by and records a
// ViewUpdated event with each changed field, old → new. It reports which
// fields changed; when none did the view is left as it was and nothing is
// recorded. Whether by may make the change is Permits's to say.
func (v *View) Edit(f Fields, by string) ([]string, error) {
	return domain.Edit(&v.Root, &v.fields, f, EventUpdated, by, nil)
}

// VisibleTo reports whether u may see the view: its owner always, anyone
// else while it is shared.
func (v *View) VisibleTo(u user.User) bool { return v.fields.Shared || v.IsOwner(u) }

// IsOwner reports whether u saved the view.
func (v *View) IsOwner(u user.User) bool { return u.ID == v.owner.ID }

// Manages reports whether u may stop sharing, delete and restore the view:
// its owner, or an admin.
func (v *View) Manages(u user.User) bool { return v.IsOwner(u) || u.Admin() }

// Permits checks the changes the view recorded since it was loaded against
// who made them, u, and returns a *domain.ForbiddenError saying who may
// when u may not: a change of who sees it, a delete or a restore by
// someone who does not manage it. Checking what was recorded, rather than
// which method was called, covers every write the same way, a merged save
// and a restore with changes included.
func (v *View) Permits(u user.User) error {
	if v.Manages(u) {
		return nil
	}
	for _, ev := range v.DomainEvents() {
		switch ev.Name {
		case domain.EventDeleted:
			return v.forbidden("delete it")
		case domain.EventRestored:
			return v.forbidden("restore it")
		}
		for _, c := range ev.Changes {
			if c.Field == FieldShared {
				return v.forbidden("change who sees it")
			}
		}
	}
	return nil
}

func (v *View) forbidden(what string) error {
	return &domain.ForbiddenError{Message: fmt.Sprintf("Only %s, who saved this view, or an admin may %s.",
		v.owner.Name, what)}
}
