// Package leads holds the use cases reps perform on leads. It declares the
// repository it needs and enforces that every write starts from the version
// the rep saw, so no save can silently overwrite another.
package leads

import (
	"context"
	"errors"
	"fmt"

	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/conflict"
)

// DefaultPageSize and MaxPageSize bound one page of the lead list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// ListQuery selects a page of leads, newest first.
type ListQuery struct {
	Status lead.Status // "" for every status
	Search string      // matched anywhere in name, email or company
	After  int64       // keyset cursor: the id of the last lead already shown, 0 for the first page
	Limit  int
}

// Page is one page of leads and the cursor of the next, 0 when this is the last.
type Page struct {
	Leads []*lead.Lead
	Next  int64
}

// Repository stores leads. Every write is a compare-and-swap on the version.
type Repository interface {
	// Create stores a new lead at version 1 and returns it with its id.
	Create(ctx context.Context, l *lead.Lead) (*lead.Lead, error)
	// Get returns the lead or domain.ErrNotFound.
	Get(ctx context.Context, id int64) (*lead.Lead, error)
	// Version returns the lead as it was saved at version, or
	// domain.ErrNotFound when that version was never saved.
	Version(ctx context.Context, id, version int64) (*lead.Lead, error)
	// Update loads the lead, checks it is still at version, calls apply and,
	// when apply reports a change, saves it at version+1. It returns
	// domain.ErrNotFound, a *domain.OptimisticLockError when the lead has
	// moved on, or apply's own error; on any error nothing is written.
	Update(ctx context.Context, id, version int64, apply func(*lead.Lead) (changed bool, err error)) (*lead.Lead, error)
	// Delete removes the lead if it is still at version; errors as Update.
	Delete(ctx context.Context, id, version int64) error
	// List returns one page of leads matching q, newest first.
	List(ctx context.Context, q ListQuery) (Page, error)
	// CountByStatus counts the leads matching search, per status.
	CountByStatus(ctx context.Context, search string) (map[lead.Status]int, error)
	// History returns the lead's recorded events, newest first.
	History(ctx context.Context, id int64) ([]domain.RecordedEvent, error)
}

// Service runs the lead use cases.
type Service struct {
	repo Repository
}

// NewService returns a Service storing leads in repo.
func NewService(repo Repository) *Service { return &Service{repo: repo} }

// Create validates f and stores a new lead owned by rep by.
func (s *Service) Create(ctx context.Context, by string, f lead.Fields) (*lead.Lead, error) {
	l, err := lead.New(f, by)
	if err != nil {
		return nil, err
	}
	created, err := s.repo.Create(ctx, l)
	if err != nil {
		return nil, fmt.Errorf("create lead: %w", err)
	}
	return created, nil
}

// Get returns lead id.
func (s *Service) Get(ctx context.Context, id int64) (*lead.Lead, error) {
	l, err := s.repo.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get lead %d: %w", id, err)
	}
	return l, nil
}

// List returns a page of leads, clamping the page size to sane bounds.
func (s *Service) List(ctx context.Context, q ListQuery) (Page, error) {
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultPageSize
	case q.Limit > MaxPageSize:
		q.Limit = MaxPageSize
	}
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return Page{}, fmt.Errorf("list leads: %w", err)
	}
	return p, nil
}

// History returns what happened to lead id, newest first.
func (s *Service) History(ctx context.Context, id int64) ([]domain.RecordedEvent, error) {
	h, err := s.repo.History(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("history of lead %d: %w", id, err)
	}
	return h, nil
}

// CountByStatus counts the leads matching search per status, for the tabs.
func (s *Service) CountByStatus(ctx context.Context, search string) (map[lead.Status]int, error) {
	counts, err := s.repo.CountByStatus(ctx, search)
	if err != nil {
		return nil, fmt.Errorf("count leads: %w", err)
	}
	return counts, nil
}

// Update saves the fields rep by typed at exactly version. A save that
// changes nothing writes nothing and keeps the version. When someone else
// saved since version, it returns a *ConflictError comparing the rep's
// fields with the version they started from and the one saved now. It
// never merges: it serves callers that made the version a precondition
// (an API client's If-Match); people save through Save.
func (s *Service) Update(ctx context.Context, by string, id, version int64, f lead.Fields) (*lead.Lead, error) {
	f = f.Normalize()
	l, err := s.repo.Update(ctx, id, version, edit(f, by))
	if err != nil {
		err = s.explainConflict(ctx, err, func(c *ConflictError) {
			var base *lead.Fields
			if c.Base != nil {
				bf := c.Base.Fields()
				base = &bf
			}
			c.Yours = &f
			c.Compare = lead.CompareThreeWay(base, c.Current.Fields(), f)
		})
		return nil, fmt.Errorf("update lead %d: %w", id, err)
	}
	return l, nil
}

// ChangeStatus moves the lead to status to at exactly version; see Update
// for why it never merges, and Move for the move people make.
func (s *Service) ChangeStatus(ctx context.Context, by string, id, version int64, to lead.Status) (*lead.Lead, error) {
	l, err := s.repo.Update(ctx, id, version, func(l *lead.Lead) (bool, error) {
		return true, l.MoveTo(to, by)
	})
	if err != nil {
		err = s.explainConflict(ctx, err, func(c *ConflictError) { c.WantedStatus = to })
		return nil, fmt.Errorf("move lead %d to %s: %w", id, to, err)
	}
	return l, nil
}

// Saved is what a rep's save did: the lead as stored and, when the rep
// started from an old version, how their change was merged with the saves
// made since.
type Saved struct {
	Lead  *lead.Lead
	Merge *conflict.Merge // nil when the rep's version was current
}

// Save saves the fields rep by typed, starting from version, as reps save:
// when someone saved since, the fields only the rep changed are applied on
// top of the newer version (every rule checked again), so both reps' work
// is kept. Only when both changed a field differently does it return a
// *ConflictError for the rep to resolve. Update, by contrast, never merges.
func (s *Service) Save(ctx context.Context, by string, id, version int64, f lead.Fields) (Saved, error) {
	f = f.Normalize()
	l, merge, err := conflict.SaveMerging(ctx, conflict.Saver[*lead.Lead, lead.Fields]{
		ID: id, Reader: s.repo, Fields: (*lead.Lead).Fields, Compare: lead.CompareThreeWay,
		Save: func(ctx context.Context, version int64, f lead.Fields) (*lead.Lead, error) {
			return s.repo.Update(ctx, id, version, edit(f, by))
		},
	}, version, f)
	var c *conflict.Conflict[*lead.Lead, lead.Fields]
	if errors.As(err, &c) {
		err = &ConflictError{Lock: c.Lock, Current: c.Current, Base: c.Base, Yours: &f, Compare: c.Compare}
	}
	if err != nil {
		return Saved{}, fmt.Errorf("save lead %d: %w", id, err)
	}
	return Saved{Lead: l, Merge: merge}, nil
}

// Move moves the lead to status to for a rep who started from version.
// When someone saved since without moving the lead, the move is made on
// the newer version; when it was moved meanwhile it returns a
// *ConflictError. ChangeStatus, by contrast, never merges.
func (s *Service) Move(ctx context.Context, by string, id, version int64, to lead.Status) (Saved, error) {
	l, merge, err := conflict.MoveMerging(ctx, conflict.Mover[*lead.Lead, lead.Status]{
		ID: id, Reader: s.repo, State: (*lead.Lead).Status,
		Changed: func(base, current *lead.Lead) []string { return base.Fields().Changed(current.Fields()) },
		Move: func(ctx context.Context, version int64) (*lead.Lead, error) {
			return s.repo.Update(ctx, id, version, func(l *lead.Lead) (bool, error) { return true, l.MoveTo(to, by) })
		},
	}, version)
	var v *conflict.Versions[*lead.Lead]
	if errors.As(err, &v) {
		err = &ConflictError{Lock: v.Lock, Current: v.Current, Base: v.Base, WantedStatus: to}
	}
	if err != nil {
		return Saved{}, fmt.Errorf("move lead %d to %s: %w", id, to, err)
	}
	if merge != nil {
		merge.Applied = []string{lead.FieldStatus}
	}
	return Saved{Lead: l, Merge: merge}, nil
}

// edit is the apply step of a field save by rep by.
func edit(f lead.Fields, by string) func(*lead.Lead) (bool, error) {
	return func(l *lead.Lead) (bool, error) {
		changed, err := l.Edit(f, by)
		return len(changed) > 0, err
	}
}

// Delete removes the lead if nobody changed it since version.
func (s *Service) Delete(ctx context.Context, id, version int64) error {
	if err := s.repo.Delete(ctx, id, version); err != nil {
		return fmt.Errorf("delete lead %d: %w", id, s.explainConflict(ctx, err, nil))
	}
	return nil
}

// explainConflict turns an optimistic-lock error into a *ConflictError
// holding the lead as saved now and the version the rep started from (see
// conflict.Explain), then lets complete add what the action knows. Other
// errors pass through.
func (s *Service) explainConflict(ctx context.Context, err error, complete func(*ConflictError)) error {
	v, err := conflict.Explain[*lead.Lead](ctx, s.repo, err)
	if v == nil {
		return err
	}
	c := &ConflictError{Lock: v.Lock, Current: v.Current, Base: v.Base}
	if complete != nil {
		complete(c)
	}
	return c
}
