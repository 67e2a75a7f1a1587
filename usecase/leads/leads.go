// Package leads holds the use cases reps perform on leads: those every
// record shares (record.Service) and what only leads have, their status
// moves and their list with per-status counts.
package leads

import (
	"context"
	"fmt"

	"crm/domain/lead"
	"crm/usecase/record"
)

// ListQuery selects a page of leads, newest first.
type ListQuery struct {
	Status lead.Status // "" for every status
	Search string      // matched anywhere in name, email or company
	record.Paging
}

// Repository stores leads. Every write is a compare-and-swap on the version.
type Repository interface {
	record.Repository[*lead.Lead]
	// List returns one page of leads matching q, newest first.
	List(ctx context.Context, q ListQuery) (record.Page[*lead.Lead], error)
	// CountByStatus counts the leads matching search, per status.
	CountByStatus(ctx context.Context, search string) (map[lead.Status]int, error)
}

// Service runs the lead use cases.
type Service struct {
	*record.Service[*lead.Lead, lead.Fields]
	repo Repository
}

// NewService returns a Service storing leads in repo.
func NewService(repo Repository) *Service {
	return &Service{Service: record.NewService[*lead.Lead](lead.Kind, lead.EditableFields, repo), repo: repo}
}

// Create validates f and stores a new lead owned by rep by.
func (s *Service) Create(ctx context.Context, by string, f lead.Fields) (*lead.Lead, error) {
	l, err := lead.New(f, by)
	if err != nil {
		return nil, err
	}
	return s.Add(ctx, l)
}

// Move moves the lead to status to for a rep who started from version,
// merging with saves made since that did not move it (record.Service's
// Transition).
func (s *Service) Move(ctx context.Context, by string, id, version int64, to lead.Status) (record.Saved[*lead.Lead], error) {
	return s.Transition(ctx, id, version, moveTo(to, by))
}

// ChangeStatus moves the lead to status to at exactly version, for API
// clients; it never merges.
func (s *Service) ChangeStatus(ctx context.Context, by string, id, version int64, to lead.Status) (*lead.Lead, error) {
	return s.TransitionAt(ctx, id, version, moveTo(to, by))
}

func moveTo(to lead.Status, by string) record.Move[*lead.Lead] {
	return record.MoveTo(lead.FieldStatus, to, by, (*lead.Lead).Status, (*lead.Lead).MoveTo)
}

// List returns a page of leads matching q.
func (s *Service) List(ctx context.Context, q ListQuery) (record.Page[*lead.Lead], error) {
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return p, fmt.Errorf("list leads: %w", err)
	}
	return p, nil
}

// CountByStatus counts the leads matching search per status, for the tabs.
func (s *Service) CountByStatus(ctx context.Context, search string) (map[lead.Status]int, error) {
	counts, err := s.repo.CountByStatus(ctx, search)
	if err != nil {
		return nil, fmt.Errorf("count leads: %w", err)
	}
	return counts, nil
}
