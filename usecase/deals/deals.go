// Package deals holds the use cases reps perform on deals: those every
// record shares (record.Service) and what only deals have, their stage
// moves and their lists by stage and by contact.
package deals

import (
	"context"
	"fmt"

	"crm/domain/deal"
	"crm/usecase/record"
)

// ListQuery selects a page of deals, newest first.
type ListQuery struct {
	Stage deal.Stage // "" for every stage
	record.Paging
}

// Page is one page of deals. ContactNames names the contacts of the page's
// deals, by id, so a list can show them without a query per row.
type Page struct {
	record.Page[*deal.Deal]
	ContactNames map[int64]string
}

// Repository stores deals. Every write is a compare-and-swap on the
// version, stored in one transaction with the deal's domain events. Create
// reports a contact or lead that does not exist as a
// *domain.ValidationError on deal.FieldContact or deal.FieldLead, and a
// lead that already has a deal as a *domain.RuleError.
type Repository interface {
	record.Repository[*deal.Deal]
	// List returns one page of deals matching q, newest first.
	List(ctx context.Context, q ListQuery) (Page, error)
	// ListByContact returns the deals with contact contactID, newest first
	// (at most record.MaxPageSize); none is an empty list, not an error.
	ListByContact(ctx context.Context, contactID int64) ([]*deal.Deal, error)
}

// Service runs the deal use cases.
type Service struct {
	*record.Service[*deal.Deal, deal.Fields]
	repo Repository
}

// NewService returns a Service storing deals in repo.
func NewService(repo Repository) *Service {
	return &Service{Service: record.NewService[*deal.Deal](deal.Kind, deal.EditableFields, repo), repo: repo}
}

// Create validates f and stores a new OPEN deal with contact contactID,
// created by rep by.
func (s *Service) Create(ctx context.Context, by string, contactID int64, f deal.Fields) (*deal.Deal, error) {
	d, err := deal.New(f, contactID, 0, by)
	if err != nil {
		return nil, err
	}
	return s.Add(ctx, d)
}

// Move moves the deal to stage to for a rep who started from version,
// merging with saves made since that did not move it (record.Service's
// Transition).
func (s *Service) Move(ctx context.Context, by string, id, version int64, to deal.Stage) (record.Saved[*deal.Deal], error) {
	return s.Transition(ctx, id, version, moveTo(to, by))
}

// ChangeStage moves the deal to stage to at exactly version, for API
// clients; it never merges.
func (s *Service) ChangeStage(ctx context.Context, by string, id, version int64, to deal.Stage) (*deal.Deal, error) {
	return s.TransitionAt(ctx, id, version, moveTo(to, by))
}

func moveTo(to deal.Stage, by string) record.Move[*deal.Deal] {
	return record.MoveTo(deal.FieldStage, to, by, (*deal.Deal).Stage, (*deal.Deal).MoveTo)
}

// List returns a page of deals in q's stage, with their contacts' names.
func (s *Service) List(ctx context.Context, q ListQuery) (Page, error) {
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return p, fmt.Errorf("list deals: %w", err)
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
