// Package leads holds the use cases reps perform on leads: those every
// record shares (record.Service), status moves (record.Moves) and what
// only leads have, their list with per-status counts.
package leads

import (
	"context"
	"fmt"

	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/record"
)

// Repository stores leads. Every write is a compare-and-swap on the version.
type Repository interface {
	record.Repository[*lead.Lead]
	// List returns one page of leads matching q, in its order, with the
	// cursor of the next page (Next and NextKey).
	List(ctx context.Context, q ListQuery) (record.Page[*lead.Lead], error)
	// CountByStatus counts the live leads per status, every status
	// present.
	CountByStatus(ctx context.Context) (map[lead.Status]int, error)
	// Each calls fn with every lead of q's view, its page aside, in its
	// order, as they stood at one moment; it stops at fn's first error.
	Each(ctx context.Context, q ListQuery, fn func(*lead.Lead) error) error
	// Sources lists the distinct sources of live leads, in byte order,
	// at most limit of them, without "".
	Sources(ctx context.Context, limit int) ([]string, error)
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
	if p.Next > 0 {
		p.NextKey = q.Sort.Key(p.Items[len(p.Items)-1])
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

// Each calls fn with every lead of q's view, for an export: all its
// pages, read as one.
func (s *Service) Each(ctx context.Context, q ListQuery, fn func(*lead.Lead) error) error {
	q.Search = domain.NFC(q.Search)
	if err := s.repo.Each(ctx, q, fn); err != nil {
		return fmt.Errorf("read leads: %w", err)
	}
	return nil
}

// MaxSources bounds the sources the source filter offers.
const MaxSources = 200

// Sources lists the sources live leads have, for the source filter.
func (s *Service) Sources(ctx context.Context) ([]string, error) {
	sources, err := s.repo.Sources(ctx, MaxSources)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	return sources, nil
}

// Duplicates returns the live leads a new one with what q holds may
// repeat (see record.FindDuplicates), for the hint the new-lead form shows
// while the rep types.
func (s *Service) Duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[*lead.Lead], error) {
	return record.FindDuplicates(ctx, lead.Kind, s.repo, q)
}
