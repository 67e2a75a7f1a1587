// Package record holds the use cases every kind of record shares (leads,
// contacts, deals and whatever comes next): read one and its history, save
// what a rep typed while merging with the saves made since, write exactly
// the version an API client named, move through a state machine (Moves),
// delete.
// Every write starts from the version the rep saw, so none can silently
// overwrite another. A kind's own package wraps a Service with what only it
// has: its constructor, its moves, its list filters.
package record

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"crm/domain"
	"crm/usecase/conflict"
)

// Aggregate is what the use cases need of a record kind's aggregate root.
type Aggregate[F any] interface {
	domain.AggregateRoot
	UpdatedBy() string
	// Fields returns the fields reps edit.
	Fields() F
	// Edit replaces the fields on behalf of rep by, checking every rule,
	// and reports which fields changed; none leaves the aggregate as it was.
	// A deleted aggregate refuses it with a *domain.DeletedError.
	Edit(f F, by string) (changed []string, err error)
	// Delete deletes the aggregate and Undelete restores it, on behalf of
	// rep by; Live returns the *domain.DeletedError of a deleted one.
	Delete(by string) error
	Undelete(by string) error
	Live() error
}

// Fields is what the use cases need of a record's editable fields.
type Fields[F any] interface {
	domain.FieldSet[F]
	// Normalize returns the fields as they are compared and stored
	// (trimmed), so white space is never a change.
	Normalize() F
}

// Repository stores one kind of record. Every write is a compare-and-swap
// on the version, stored in one transaction with the record's domain events.
type Repository[A any] interface {
	// Create stores a new record at version 1 and returns it with its id.
	Create(ctx context.Context, a A) (A, error)
	// Get returns the record, deleted or not, or a *domain.NotFoundError
	// once purged (or never stored); Version returns it
	// as saved at an earlier version, or an error matching
	// domain.ErrNotFound when that version was never saved.
	conflict.Reader[A]
	// Update loads the record, checks it is still at version, calls apply
	// and, when apply reports a change, saves it at version+1; when apply
	// reports none it writes nothing and returns the record at version. It returns a
	// *domain.NotFoundError, a *domain.OptimisticLockError when the record
	// has moved on, or apply's own error; on any error nothing is written.
	Update(ctx context.Context, id, version int64, apply func(A) (changed bool, err error)) (A, error)
	// UpdateLoaded is Update of a record as the caller just read it, at
	// its version, without reading it again.
	UpdateLoaded(ctx context.Context, current A, apply func(A) (changed bool, err error)) (A, error)
	// History returns one page of the record's recorded events, newest
	// first, paged by event id (p.After is the id of the last event
	// shown); Next is the id of its last event when older ones remain.
	History(ctx context.Context, id int64, p Paging) (Page[domain.RecordedEvent], error)
}

// Saved is what a rep's write did: the record as stored and, when the rep
// started from an old version, how their change was merged with the saves
// made since.
type Saved[A any] struct {
	Record A
	Merge  *conflict.Merge // nil when the rep's version was current
	// Events are what the write recorded, oldest first, when it was made
	// on the rep's own version (Merge is nil): a page that shows the
	// history as of that version adds them rather than reading it again.
	// None when nothing was written.
	Events []domain.Event
}

// recording runs apply and keeps in *into the events its last call
// recorded, none when it changed nothing, for Saved.Events.
func recording[A domain.AggregateRoot](into *[]domain.Event, apply func(A) (bool, error)) func(A) (bool, error) {
	return func(a A) (bool, error) {
		changed, err := apply(a)
		*into = nil
		if changed && err == nil {
			*into = slices.Clone(a.DomainEvents())
		}
		return changed, err
	}
}

// saved is what a merging write returns: events only when it was made on
// the rep's own version.
func saved[A any](a A, merge *conflict.Merge, events []domain.Event) Saved[A] {
	if merge != nil {
		events = nil
	}
	return Saved[A]{Record: a, Merge: merge, Events: events}
}

// Service runs the use cases of one kind of record, stored in a Repository.
type Service[A Aggregate[F], F Fields[F]] struct {
	kind   string   // e.g. "lead", for error messages
	fields []string // the editable fields, in form order
	repo   Repository[A]
}

// NewService returns the Service of the records of kind, whose editable
// fields are fields (in form order), stored in repo.
func NewService[A Aggregate[F], F Fields[F]](kind string, fields []string, repo Repository[A]) *Service[A, F] {
	return &Service[A, F]{kind: kind, fields: fields, repo: repo}
}

// Add stores a, a new record its kind's constructor has validated.
func (s *Service[A, F]) Add(ctx context.Context, a A) (A, error) {
	created, err := s.repo.Create(ctx, a)
	if err != nil {
		return created, fmt.Errorf("create %s: %w", s.kind, err)
	}
	return created, nil
}

// Get returns record id.
func (s *Service[A, F]) Get(ctx context.Context, id int64) (A, error) {
	a, err := s.repo.Get(ctx, id)
	if err != nil {
		return a, fmt.Errorf("get %s %d: %w", s.kind, id, err)
	}
	return a, nil
}

// History returns one page of what happened to record id, newest first,
// the page p asks for (see Repository.History).
func (s *Service[A, F]) History(ctx context.Context, id int64, p Paging) (Page[domain.RecordedEvent], error) {
	h, err := s.repo.History(ctx, id, p)
	if err != nil {
		return h, fmt.Errorf("history of %s %d: %w", s.kind, id, err)
	}
	return h, nil
}

// Save saves the fields rep by typed, starting from version, as reps save:
// when someone saved since, the fields only the rep changed are applied on
// top of the newer version (every rule checked again), so both reps' work
// is kept. Only when both changed a field differently does it return a
// *conflict.Error for the rep to resolve. Update, by contrast, never merges.
func (s *Service[A, F]) Save(ctx context.Context, by string, id, version int64, f F) (Saved[A], error) {
	f = f.Normalize()
	var events []domain.Event
	a, merge, err := conflict.SaveMerging(ctx, conflict.Saver[A, F]{
		ID: id, Reader: s.repo, Fields: A.Fields, Compare: s.compare,
		Save: func(ctx context.Context, version int64, f F) (A, error) {
			return s.repo.Update(ctx, id, version, recording(&events, edit[A](f, by)))
		},
	}, version, f)
	if err != nil {
		return Saved[A]{}, fmt.Errorf("save %s %d: %w", s.kind, id, deletedMeanwhile[A, F](err))
	}
	if merge != nil && merge.By == by && len(merge.Applied) == 0 && len(merge.Combined) == 0 {
		// The rep's own save, sent twice (a double click): one save, whose
		// events the first answer showed.
		return Saved[A]{Record: a}, nil
	}
	return saved(a, merge, events), nil
}

// Update saves the fields rep by typed onto a, the record as the caller
// read it, at exactly its version. A save that changes nothing writes
// nothing and keeps the version. When someone else saved since, it returns
// a *conflict.Error comparing the rep's fields with the version they
// started from and the one saved now. It never merges: it serves callers
// that made the version a precondition and have just read the record to
// check it (an API client's If-Match), so the record is not read again;
// people save through Save.
func (s *Service[A, F]) Update(ctx context.Context, by string, a A, f F) (A, error) {
	f = f.Normalize()
	id := a.ID()
	saved, err := s.repo.UpdateLoaded(ctx, a, edit[A](f, by))
	if err != nil {
		err = conflict.Explain(ctx, s.repo, err, func(c *conflict.Error[A, F]) {
			var base *F
			if c.HasBase() {
				bf := c.Base.Fields()
				base = &bf
			}
			c.Yours, c.Compare = &f, s.compare(base, []F{c.Current.Fields()}, f)
		})
		return saved, fmt.Errorf("update %s %d: %w", s.kind, id, err)
	}
	return saved, nil
}

// Delete deletes record id for rep by, if nobody changed it since version:
// it leaves the lists for the Trash, keeps its versions and history, and
// takes no change until restored. A record deleted meanwhile gives a
// *domain.DeletedError saying by whom.
func (s *Service[A, F]) Delete(ctx context.Context, by string, id, version int64) (A, error) {
	a, err := s.repo.Update(ctx, id, version, func(a A) (bool, error) { return true, a.Delete(by) })
	if err != nil {
		return a, fmt.Errorf("delete %s %d: %w", s.kind, id, conflict.Explain[A, F](ctx, s.repo, err, nil))
	}
	return a, nil
}

// Restore restores deleted record id for rep by, as it was when deleted,
// if nobody restored it since version (the version that deleted it): a
// restore is one more version, like any move.
func (s *Service[A, F]) Restore(ctx context.Context, by string, id, version int64) (A, error) {
	a, err := s.repo.Update(ctx, id, version, func(a A) (bool, error) { return true, a.Undelete(by) })
	if err != nil {
		return a, fmt.Errorf("restore %s %d: %w", s.kind, id, conflict.Explain[A, F](ctx, s.repo, err, nil))
	}
	return a, nil
}

// RestoreAndSave restores record id for rep by, if it is deleted, and saves
// the fields f they typed from version before it was deleted, merging as
// Save does: a rep whose save met a delete keeps what they typed.
func (s *Service[A, F]) RestoreAndSave(ctx context.Context, by string, id, version int64, f F) (Saved[A], error) {
	f = f.Normalize()
	var events []domain.Event
	a, merge, err := conflict.SaveMerging(ctx, conflict.Saver[A, F]{
		ID: id, Reader: s.repo, Fields: A.Fields, Compare: s.compare,
		Save: func(ctx context.Context, version int64, f F) (A, error) {
			return s.repo.Update(ctx, id, version, recording(&events, func(a A) (bool, error) {
				restored := a.Deleted()
				if restored {
					if err := a.Undelete(by); err != nil {
						return false, err
					}
				}
				changed, err := a.Edit(f, by)
				return restored || len(changed) > 0, err
			}))
		},
	}, version, f)
	if err != nil {
		return Saved[A]{}, fmt.Errorf("restore and save %s %d: %w", s.kind, id, err)
	}
	return saved(a, merge, events), nil
}

// deletedMeanwhile turns a conflict with a record deleted since into the
// *domain.DeletedError of the delete: what the rep must decide first is
// whether to restore it, not which value of a field to keep.
func deletedMeanwhile[A Aggregate[F], F any](err error) error {
	var c *conflict.Error[A, F]
	if errors.As(err, &c) && c.Current.Deleted() {
		return c.Current.Live()
	}
	return err
}

// compare is the comparison of a merging save: see domain.CompareHistory.
func (s *Service[A, F]) compare(base *F, history []F, yours F) domain.ThreeWay[F] {
	return domain.CompareHistory(s.fields, base, history, yours)
}

// edit is the apply step of a field save by rep by.
func edit[A Aggregate[F], F any](f F, by string) func(A) (bool, error) {
	return func(a A) (bool, error) {
		changed, err := a.Edit(f, by)
		return len(changed) > 0, err
	}
}
