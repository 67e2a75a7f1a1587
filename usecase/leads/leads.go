// Package leads holds the use cases reps perform on leads: those every
// record shares (record.Service), status moves (record.Moves) and what
// only leads have, their list with per-status counts.
package leads

import (
	"context"
	"fmt"
	"unicode/utf8"

	"crm/domain"
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
	// CountByStatus counts the live leads per status, every status
	// present.
	CountByStatus(ctx context.Context) (map[lead.Status]int, error)
	record.DuplicateFinder[*lead.Lead]
}

// Service runs the lead use cases.
type Service struct {
	*record.Service[*lead.Lead, lead.Fields]
	record.Moves[*lead.Lead, lead.Fields, lead.Status]
	repo Repository
}

// NewService returns a Service storing leads in repo.
func NewService(repo Repository) *Service {
	svc := record.NewService[*lead.Lead](lead.Kind, lead.EditableFields, repo)
	return &Service{Service: svc, Moves: record.NewMoves(svc, lead.FieldStatus, (*lead.Lead).Status, (*lead.Lead).MoveTo), repo: repo}
}

// Create validates f and stores a new lead owned by rep by.
func (s *Service) Create(ctx context.Context, by string, f lead.Fields) (*lead.Lead, error) {
	l, err := lead.New(f, by)
	if err != nil {
		return nil, err
	}
	return s.Add(ctx, l)
}

// List returns a page of leads matching q.
func (s *Service) List(ctx context.Context, q ListQuery) (record.Page[*lead.Lead], error) {
	q.Search = domain.NFC(q.Search) // as the leads are stored
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return p, fmt.Errorf("list leads: %w", err)
	}
	return p, nil
}

// CountByStatus counts the live leads per status, for the tabs.
func (s *Service) CountByStatus(ctx context.Context) (map[lead.Status]int, error) {
	counts, err := s.repo.CountByStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("count leads: %w", err)
	}
	return counts, nil
}

// Duplicates returns the live leads a new one with what q holds may
// repeat (see record.FindDuplicates), for the hint the new-lead form shows
// while the rep types.
func (s *Service) Duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[*lead.Lead], error) {
	return record.FindDuplicates(ctx, lead.Kind, s.repo, q)
}

// ShortSearch reports whether a search (trimmed) is so short that it
// matches the start of a lead's name, email or company rather than any
// part: one or two characters, fewer than a trigram index can look up.
func ShortSearch(search string) bool {
	n := utf8.RuneCountInString(search)
	return n > 0 && n < 3
}
