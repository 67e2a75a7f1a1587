// Package contacts holds the use cases reps perform on contacts. It declares
// the repository it needs and enforces that every write starts from the
// version the rep saw, so no save can silently overwrite another.
package contacts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/conflict"
)

// DefaultPageSize and MaxPageSize bound one page of the contact list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// ListQuery selects a page of contacts, newest first.
type ListQuery struct {
	Search string // matched anywhere in name, email or company
	After  int64  // keyset cursor: the id of the last contact already shown, 0 for the first page
	Limit  int
}

// Page is one page of contacts and the cursor of the next, 0 when this is the last.
type Page struct {
	Contacts []*contact.Contact
	Next     int64
}

// Repository stores contacts. Every write is a compare-and-swap on the
// version, stored in one transaction with the contact's domain events.
type Repository interface {
	// Create stores a new contact at version 1 and returns it with its id.
	Create(ctx context.Context, c *contact.Contact) (*contact.Contact, error)
	// Get returns the contact or domain.ErrNotFound.
	Get(ctx context.Context, id int64) (*contact.Contact, error)
	// Version returns the contact as it was saved at version, or
	// domain.ErrNotFound when that version was never saved.
	Version(ctx context.Context, id, version int64) (*contact.Contact, error)
	// Update loads the contact, checks it is still at version, calls apply
	// and, when apply reports a change, saves it at version+1. It returns
	// domain.ErrNotFound, a *domain.OptimisticLockError when the contact has
	// moved on, or apply's own error; on any error nothing is written.
	Update(ctx context.Context, id, version int64, apply func(*contact.Contact) (changed bool, err error)) (*contact.Contact, error)
	// List returns one page of contacts matching q, newest first.
	List(ctx context.Context, q ListQuery) (Page, error)
	// FindByEmail returns the most recently created contact whose email is
	// email, compared case-insensitively, or domain.ErrNotFound.
	FindByEmail(ctx context.Context, email string) (*contact.Contact, error)
	// History returns the contact's recorded events, newest first.
	History(ctx context.Context, id int64) ([]domain.RecordedEvent, error)
}

// Service runs the contact use cases.
type Service struct {
	repo Repository
}

// NewService returns a Service storing contacts in repo.
func NewService(repo Repository) *Service { return &Service{repo: repo} }

// Create validates f and stores a new contact created by rep by.
func (s *Service) Create(ctx context.Context, by string, f contact.Fields) (*contact.Contact, error) {
	c, err := contact.New(f, by)
	if err != nil {
		return nil, err
	}
	created, err := s.repo.Create(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("create contact: %w", err)
	}
	return created, nil
}

// Get returns contact id.
func (s *Service) Get(ctx context.Context, id int64) (*contact.Contact, error) {
	c, err := s.repo.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get contact %d: %w", id, err)
	}
	return c, nil
}

// List returns a page of contacts, clamping the page size to sane bounds.
func (s *Service) List(ctx context.Context, q ListQuery) (Page, error) {
	switch {
	case q.Limit <= 0:
		q.Limit = DefaultPageSize
	case q.Limit > MaxPageSize:
		q.Limit = MaxPageSize
	}
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return Page{}, fmt.Errorf("list contacts: %w", err)
	}
	return p, nil
}

// FindByEmail returns the most recently created contact with email,
// ignoring case and surrounding spaces, or domain.ErrNotFound; an empty
// email matches no contact, even those stored without one.
func (s *Service) FindByEmail(ctx context.Context, email string) (*contact.Contact, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, fmt.Errorf("find contact by empty email: %w", domain.ErrNotFound)
	}
	c, err := s.repo.FindByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("find contact by email: %w", err)
	}
	return c, nil
}

// History returns what happened to contact id, newest first.
func (s *Service) History(ctx context.Context, id int64) ([]domain.RecordedEvent, error) {
	h, err := s.repo.History(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("history of contact %d: %w", id, err)
	}
	return h, nil
}

// Saved is what a rep's save did: the contact as stored and, when the rep
// started from an old version, how their change was merged.
type Saved struct {
	Contact *contact.Contact
	Merge   *conflict.Merge // nil when the rep's version was current
}

// Save saves the fields rep by typed, starting from version, merging with
// saves made since as leads.Service.Save does: only a field both changed
// differently is a *ConflictError.
func (s *Service) Save(ctx context.Context, by string, id, version int64, f contact.Fields) (Saved, error) {
	f = f.Normalize()
	c, merge, err := conflict.SaveMerging(ctx, conflict.Saver[*contact.Contact, contact.Fields]{
		ID: id, Reader: s.repo, Fields: (*contact.Contact).Fields, Compare: contact.CompareThreeWay,
		Save: func(ctx context.Context, version int64, f contact.Fields) (*contact.Contact, error) {
			return s.repo.Update(ctx, id, version, edit(f, by))
		},
	}, version, f)
	var cf *conflict.Conflict[*contact.Contact, contact.Fields]
	if errors.As(err, &cf) {
		err = &ConflictError{Versions: cf.Versions, Yours: f, Compare: cf.Compare}
	}
	if err != nil {
		return Saved{}, fmt.Errorf("save contact %d: %w", id, err)
	}
	return Saved{Contact: c, Merge: merge}, nil
}

func edit(f contact.Fields, by string) func(*contact.Contact) (bool, error) {
	return func(c *contact.Contact) (bool, error) {
		changed, err := c.Edit(f, by)
		return len(changed) > 0, err
	}
}

// Update saves the fields rep by typed at exactly version. A save that
// changes nothing writes nothing and keeps the version. When someone else
// saved since version, it returns a *ConflictError comparing the rep's
// fields with the version they started from and the one saved now. It
// never merges: it serves callers that made the version a precondition
// (an API client's If-Match); people save through Save.
func (s *Service) Update(ctx context.Context, by string, id, version int64, f contact.Fields) (*contact.Contact, error) {
	f = f.Normalize()
	c, err := s.repo.Update(ctx, id, version, edit(f, by))
	if err != nil {
		return nil, fmt.Errorf("update contact %d: %w", id, s.explainConflict(ctx, err, f))
	}
	return c, nil
}

// explainConflict turns an optimistic-lock error into a *ConflictError
// comparing yours with the contact as saved now and as it was at the
// version the rep started from. Other errors pass through.
func (s *Service) explainConflict(ctx context.Context, err error, yours contact.Fields) error {
	v, err := conflict.Explain(ctx, s.repo, err)
	if v == nil {
		return err
	}
	var base *contact.Fields
	if v.Base != nil {
		bf := v.Base.Fields()
		base = &bf
	}
	return &ConflictError{Versions: *v, Yours: yours, Compare: contact.CompareThreeWay(base, v.Current.Fields(), yours)}
}
