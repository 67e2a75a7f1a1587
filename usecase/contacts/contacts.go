// Package contacts holds the use cases reps perform on contacts: those
// every record shares (record.Service) and what only contacts have, their
// search and the lookup by email that conversion uses to avoid duplicates.
package contacts

import (
	"context"
	"fmt"
	"strings"

	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/record"
)

// ListQuery selects a page of contacts, newest first.
type ListQuery struct {
	Search string // matched anywhere in name, email or company
	Owner  record.OwnerFilter
	record.Paging
}

// Repository stores contacts. Every write is a compare-and-swap on the
// version, stored in one transaction with the contact's domain events.
type Repository interface {
	record.Repository[*contact.Contact]
	// List returns one page of contacts matching q, newest first.
	List(ctx context.Context, q ListQuery) (record.Page[*contact.Contact], error)
	// FindByEmail returns the most recently created contact whose email is
	// email, compared case-insensitively, or domain.ErrNotFound.
	FindByEmail(ctx context.Context, email string) (*contact.Contact, error)
	record.DuplicateFinder[*contact.Contact]
}

// Service runs the contact use cases.
type Service struct {
	*record.Service[*contact.Contact, contact.Fields]
	repo Repository
}

// NewService returns a Service storing contacts in repo.
func NewService(repo Repository) *Service {
	return &Service{Service: record.NewService[*contact.Contact](contact.Kind, contact.EditableFields, repo), repo: repo}
}

// Create validates f and stores a new contact created by rep by.
func (s *Service) Create(ctx context.Context, by string, f contact.Fields) (*contact.Contact, error) {
	c, err := contact.New(f, by)
	if err != nil {
		return nil, err
	}
	return s.Add(ctx, c)
}

// List returns a page of contacts matching q.
func (s *Service) List(ctx context.Context, q ListQuery) (record.Page[*contact.Contact], error) {
	q.Search = domain.NFC(q.Search) // as the contacts are stored
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return p, fmt.Errorf("list contacts: %w", err)
	}
	return p, nil
}

// Duplicates returns the live contacts a new one with what q holds may
// repeat (see record.FindDuplicates), for the hint the new-contact form
// shows while the rep types.
func (s *Service) Duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[*contact.Contact], error) {
	return record.FindDuplicates(ctx, contact.Kind, s.repo, q)
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
