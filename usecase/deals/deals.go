// Package deals holds the use cases reps perform on deals. It declares the
// repository it needs and enforces that every write starts from the version
// the rep saw, so no save can silently overwrite another.
package deals

import (
	"context"
	"errors"
	"fmt"

	"crm/domain"
	"crm/domain/deal"
	"crm/usecase/conflict"
)

// DefaultPageSize and MaxPageSize bound one page of the deal list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// ListQuery selects a page of deals, newest first.
type ListQuery struct {
	Stage deal.Stage // "" for every stage
	After int64      // keyset cursor: the id of the last deal already shown, 0 for the first page
	Limit int
}

// Page is one page of deals and the cursor of the next, 0 when this is the
// last. ContactNames names the contacts of the page's deals, by id, so a
// list can show them without a query per row.
type Page struct {
	Deals        []*deal.Deal
	ContactNames map[int64]string
	Next         int64
}

// Repository stores deals. Every write is a compare-and-swap on the
// version, stored in one transaction with the deal's domain events.
type Repository interface {
	// Create stores a new deal at version 1 and returns it with its id. A
	// contact or lead that does not exist is a *domain.ValidationError on
	// deal.FieldContact or deal.FieldLead; a lead that already has a deal
	// is a *domain.RuleError.
	Create(ctx context.Context, d *deal.Deal) (*deal.Deal, error)
	// Get returns the deal or domain.ErrNotFound.
	Get(ctx context.Context, id int64) (*deal.Deal, error)
	// Version returns the deal as it was saved at version, or
	// domain.ErrNotFound when that version was never saved.
	Version(ctx context.Context, id, version int64) (*deal.Deal, error)
	// Update loads the deal, checks it is still at version, calls apply
	// and, when apply reports a change, saves it at version+1. It returns
	// domain.ErrNotFound, a *domain.OptimisticLockError when the deal has
	// moved on, or apply's own error; on any error nothing is written.
	Update(ctx context.Context, id, version int64, apply func(*deal.Deal) (changed bool, err error)) (*deal.Deal, error)
	// List returns one page of deals matching q, newest first.
	List(ctx context.Context, q ListQuery) (Page, error)
	// ListByContact returns the deals with contact contactID, newest first
	// (at most MaxPageSize); none is an empty list, not an error.
	ListByContact(ctx context.Context, contactID int64) ([]*deal.Deal, error)
	// History returns the deal's recorded events, newest first.
	History(ctx context.Context, id int64) ([]domain.RecordedEvent, error)
}

// Service runs the deal use cases.
type Service struct {
	repo Repository
}

// NewService returns a Service storing deals in repo.
func NewService(repo Repository) *Service { return &Service{repo: repo} }

// Create validates f and stores a new OPEN deal with contact contactID,
// created by rep by.
func (s *Service) Create(ctx context.Context, by string, contactID int64, f deal.Fields) (*deal.Deal, error) {
	d, err := deal.New(f, contactID, 0, by)
	if err != nil {
		return nil, err
	}
	created, err := s.repo.Create(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("create deal: %w", err)
	}
	return created, nil
}

// Get returns deal id.
func (s *Service) Get(ctx context.Context, id int64) (*deal.Deal, error) {
	d, err := s.repo.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get deal %d: %w", id, err)
	}
	return d, nil
}

// List returns a page of deals, clamping the page size to sane bounds.
func (s *Service) List(ctx context.Context, q ListQuery) (Page, error) {
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultPageSize
	case q.Limit > MaxPageSize:
		q.Limit = MaxPageSize
	}
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return Page{}, fmt.Errorf("list deals: %w", err)
	}
	return p, nil
}

// ListByContact returns the deals with contact contactID, newest first.
func (s *Service) ListByContact(ctx context.Context, contactID int64) ([]*deal.Deal, error) {
	ds, err := s.repo.ListByContact(ctx, contactID)
	if err != nil {
		return nil, fmt.Errorf("list deals of contact %d: %w", contactID, err)
	}
	return ds, nil
}

// History returns what happened to deal id, newest first.
func (s *Service) History(ctx context.Context, id int64) ([]domain.RecordedEvent, error) {
	h, err := s.repo.History(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("history of deal %d: %w", id, err)
	}
	return h, nil
}

// Saved is what a rep's save or stage move did: the deal as stored and,
// when the rep started from an old version, how their change was merged.
type Saved struct {
	Deal  *deal.Deal
	Merge *conflict.Merge // nil when the rep's version was current
}

// Save saves the fields rep by typed, starting from version, merging with
// saves made since as leads.Service.Save does: only a field both changed
// differently is a *ConflictError.
func (s *Service) Save(ctx context.Context, by string, id, version int64, f deal.Fields) (Saved, error) {
	f = f.Normalize()
	d, merge, err := conflict.SaveMerging(ctx, conflict.Saver[*deal.Deal, deal.Fields]{
		ID: id, Reader: s.repo, Fields: (*deal.Deal).Fields, Compare: deal.CompareThreeWay,
		Save: func(ctx context.Context, version int64, f deal.Fields) (*deal.Deal, error) {
			return s.repo.Update(ctx, id, version, edit(f, by))
		},
	}, version, f)
	var cf *conflict.Conflict[*deal.Deal, deal.Fields]
	if errors.As(err, &cf) {
		err = &ConflictError{Versions: cf.Versions, Yours: &f, Compare: cf.Compare}
	}
	if err != nil {
		return Saved{}, fmt.Errorf("save deal %d: %w", id, err)
	}
	return Saved{Deal: d, Merge: merge}, nil
}

// Move moves the deal to stage to for a rep who started from version; when
// someone saved since without moving it, the move is made on the newer
// version, as leads.Service.Move does.
func (s *Service) Move(ctx context.Context, by string, id, version int64, to deal.Stage) (Saved, error) {
	d, merge, err := conflict.MoveMerging(ctx, conflict.Mover[*deal.Deal, deal.Stage]{
		ID: id, Reader: s.repo, State: (*deal.Deal).Stage,
		Changed: func(base, current *deal.Deal) []string { return base.Fields().Changed(current.Fields()) },
		Move: func(ctx context.Context, version int64) (*deal.Deal, error) {
			return s.repo.Update(ctx, id, version, func(d *deal.Deal) (bool, error) { return true, d.MoveTo(to, by) })
		},
	}, version)
	var v *conflict.Versions[*deal.Deal]
	if errors.As(err, &v) {
		err = &ConflictError{Versions: *v, WantedStage: to}
	}
	if err != nil {
		return Saved{}, fmt.Errorf("move deal %d to %s: %w", id, to, err)
	}
	if merge != nil {
		merge.Applied = []string{deal.FieldStage}
	}
	return Saved{Deal: d, Merge: merge}, nil
}

func edit(f deal.Fields, by string) func(*deal.Deal) (bool, error) {
	return func(d *deal.Deal) (bool, error) {
		changed, err := d.Edit(f, by)
		return len(changed) > 0, err
	}
}

// Update saves the fields rep by typed at exactly version. A save that
// changes nothing writes nothing and keeps the version. When someone else
// saved since version, it returns a *ConflictError comparing the rep's
// fields with the version they started from and the one saved now. It
// never merges: it serves callers that made the version a precondition
// (an API client's If-Match); people save through Save.
func (s *Service) Update(ctx context.Context, by string, id, version int64, f deal.Fields) (*deal.Deal, error) {
	f = f.Normalize()
	d, err := s.repo.Update(ctx, id, version, edit(f, by))
	if err != nil {
		return nil, fmt.Errorf("update deal %d: %w", id, s.explainConflict(ctx, err, func(c *ConflictError) {
			var base *deal.Fields
			if c.Base != nil {
				bf := c.Base.Fields()
				base = &bf
			}
			c.Yours = &f
			c.Compare = deal.CompareThreeWay(base, c.Current.Fields(), f)
		}))
	}
	return d, nil
}

// ChangeStage moves the deal to stage to at exactly version; see Update for
// why it never merges, and Move for the move people make.
func (s *Service) ChangeStage(ctx context.Context, by string, id, version int64, to deal.Stage) (*deal.Deal, error) {
	d, err := s.repo.Update(ctx, id, version, func(d *deal.Deal) (bool, error) {
		return true, d.MoveTo(to, by)
	})
	if err != nil {
		return nil, fmt.Errorf("move deal %d to %s: %w", id, to, s.explainConflict(ctx, err, func(c *ConflictError) {
			c.WantedStage = to
		}))
	}
	return d, nil
}

// explainConflict turns an optimistic-lock error into a *ConflictError
// holding the deal as saved now and the version the rep started from, then
// lets complete add what the action knows. Other errors pass through.
func (s *Service) explainConflict(ctx context.Context, err error, complete func(*ConflictError)) error {
	v, err := conflict.Explain(ctx, s.repo, err)
	if v == nil {
		return err
	}
	c := &ConflictError{Versions: *v}
	complete(c)
	return c
}
