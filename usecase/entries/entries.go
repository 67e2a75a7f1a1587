// Package entries holds the use cases of a record's entries: its notes and
// the calls, emails and meetings reps log on it. Those every record shares
// (record.Service) are made as one rep sees and acts on entries: logging
// one is an insert, which never conflicts; only its author edits or deletes
// it and only an admin hides it, checked inside the compare-and-swap, so a
// check and a write never see two different entries.
package entries

import (
	"context"
	"fmt"
	"time"

	"crm/domain"
	"crm/domain/entry"
	"crm/domain/user"
	"crm/usecase/record"
)

// Repository stores entries. Every write is a compare-and-swap on the
// version, stored in one transaction with the entry's domain events.
type Repository interface {
	record.Repository[*entry.Entry]
	// OfRecord returns at most limit live entries of rec, hidden ones
	// included, newest first by when they happened (then by id), after
	// entry after in that order (0 for the newest). When an entry happened
	// never changes, so its id is cursor enough.
	OfRecord(ctx context.Context, rec entry.Ref, after int64, limit int) ([]*entry.Entry, error)
}

// RecordCheck returns nil when record rec exists and takes entries: a
// *domain.NotFoundError when it does not, a *domain.DeletedError when it
// is in the Trash.
type RecordCheck func(ctx context.Context, rec entry.Ref) error

// Service runs the entry use cases.
type Service struct {
	repo  Repository
	check RecordCheck
}

// NewService returns a Service storing entries in repo, logged on the
// records check finds.
func NewService(repo Repository, check RecordCheck) *Service {
	return &Service{repo: repo, check: check}
}

// For returns the use cases of entries as rep sees them and acts on them.
func (s *Service) For(rep user.User) *Rep {
	g := guarded{Repository: s.repo, rep: rep}
	return &Rep{Service: record.NewService[*entry.Entry](entry.Kind, entry.EditableFields, g), rep: rep, repo: g, check: s.check}
}

// Rep is the use cases of entries as one rep sees them.
type Rep struct {
	*record.Service[*entry.Entry, entry.Fields]
	rep   user.User
	repo  guarded
	check RecordCheck
}

// Create logs an entry of the rep's on record rec, as having happened at
// occurredAt (now when zero).
func (r *Rep) Create(ctx context.Context, rec entry.Ref, f entry.Fields, occurredAt time.Time) (*entry.Entry, error) {
	if occurredAt.IsZero() {
		occurredAt = time.Now()
	}
	e, err := entry.New(f, rec, entry.AuthorOf(r.rep), occurredAt)
	if err != nil {
		return nil, err
	}
	if err := r.check(ctx, rec); err != nil {
		return nil, fmt.Errorf("log on %s %d: %w", rec.Kind, rec.ID, err)
	}
	return r.Add(ctx, e)
}

// Hide hides entry id (hidden true) or unhides it, if nobody changed it
// since version: an admin's alone.
func (r *Rep) Hide(ctx context.Context, id, version int64, hidden bool) (*entry.Entry, error) {
	e, err := r.repo.Update(ctx, id, version, func(e *entry.Entry) (bool, error) { return e.Hide(hidden, r.rep.Name) })
	if err != nil {
		return nil, fmt.Errorf("hide entry %d: %w", id, err)
	}
	return e, nil
}

// OfRecord returns at most limit live entries of rec, newest first,
// after entry after (0 for the newest); hidden ones are there, for the timeline to
// say who hid them, and are not VisibleTo a rep who is not an admin.
func (r *Rep) OfRecord(ctx context.Context, rec entry.Ref, after int64, limit int) ([]*entry.Entry, error) {
	es, err := r.repo.Repository.OfRecord(ctx, rec, after, limit)
	if err != nil {
		return nil, fmt.Errorf("entries of %s %d: %w", rec.Kind, rec.ID, err)
	}
	return es, nil
}

// User is the rep these use cases act for.
func (r *Rep) User() user.User { return r.rep }

// guarded is the Repository as rep sees it: a hidden entry is not there
// for a rep who is not an admin, and a write is refused when the entry's
// rules keep what it changed for someone else (entry.Entry.Permits). Both
// checks are made on the entry as the compare-and-swap loads it.
type guarded struct {
	Repository
	rep user.User
}

func (g guarded) notFound(id int64) error { return &domain.NotFoundError{Kind: entry.Kind, ID: id} }

// Get returns entry id if rep may read it.
func (g guarded) Get(ctx context.Context, id int64) (*entry.Entry, error) {
	e, err := g.Repository.Get(ctx, id)
	if err == nil && !e.VisibleTo(g.rep) {
		return nil, g.notFound(id)
	}
	return e, err
}

// History returns entry id's history if rep may read it.
func (g guarded) History(ctx context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	if _, err := g.Get(ctx, id); err != nil {
		return record.Page[domain.RecordedEvent]{}, err
	}
	return g.Repository.History(ctx, id, p)
}

// Update is Repository.Update of an entry rep may read, with a change rep
// may make.
func (g guarded) Update(ctx context.Context, id, version int64, apply func(*entry.Entry) (bool, error)) (*entry.Entry, error) {
	return g.Repository.Update(ctx, id, version, g.permitted(apply))
}

// UpdateLoaded is Repository.UpdateLoaded of an entry rep may read, with a
// change rep may make.
func (g guarded) UpdateLoaded(ctx context.Context, current *entry.Entry, apply func(*entry.Entry) (bool, error)) (*entry.Entry, error) {
	return g.Repository.UpdateLoaded(ctx, current, g.permitted(apply))
}

func (g guarded) permitted(apply func(*entry.Entry) (bool, error)) func(*entry.Entry) (bool, error) {
	return func(e *entry.Entry) (bool, error) {
		if !e.VisibleTo(g.rep) {
			return false, g.notFound(e.ID())
		}
		changed, err := apply(e)
		if err == nil && changed {
			err = e.Permits(g.rep)
		}
		return changed, err
	}
}
