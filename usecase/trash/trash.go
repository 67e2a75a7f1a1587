// Package trash lists what reps deleted, every kind of record together,
// most recently deleted first: where a delete is undone. Restoring is each
// kind's own use case (record.Service.Restore), made at the version the
// Trash showed.
package trash

import (
	"context"
	"fmt"
	"time"

	"crm/usecase/record"
)

// Item is one deleted record as the Trash shows it.
type Item struct {
	Kind      string // "lead", "contact", "deal", "view", "task" or "entry"
	ID        int64
	Version   int64  // the version that deleted it, which a restore names
	Title     string // the lead's, contact's or view's name, the deal's or task's title, an entry's type and text
	DeletedBy string
	DeletedAt time.Time
}

// Cursor is where a page of the Trash ends: the last item shown. Items are
// ordered by when they were deleted, then kind and id, so a cursor stays
// exact when many were deleted at once.
type Cursor struct {
	At   time.Time
	Kind string
	ID   int64
}

// Query selects one page of the Trash, as user Viewer sees it: a deleted
// saved view is there only for those who could see it (its owner, or
// everyone when it was shared).
type Query struct {
	Viewer int64
	After  *Cursor // nil for the first page
	Limit  int     // bounded as record.Paging bounds it
}

// Page is one page of the Trash and the cursor of the next, nil when this
// is the last.
type Page struct {
	Items []Item
	Next  *Cursor
}

// Repository reads the deleted records of every kind.
type Repository interface {
	List(ctx context.Context, q Query) (Page, error)
}

// Purged counts what a purge removed, per kind.
type Purged struct{ Leads, Contacts, Deals, Views, Tasks, Entries int64 }

// Purger removes for good the records deleted before a time, with their
// versions and history; a lead or contact a remaining deal refers to
// stays.
type Purger interface {
	Purge(ctx context.Context, before time.Time) (Purged, error)
}

// Service runs the Trash's use cases.
type Service struct{ repo Repository }

// NewService returns the Trash over repo.
func NewService(repo Repository) *Service { return &Service{repo: repo} }

// List returns one page of deleted records, most recently deleted first.
func (s *Service) List(ctx context.Context, q Query) (Page, error) {
	q.Limit = record.Paging{Limit: q.Limit}.Size()
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return p, fmt.Errorf("list trash: %w", err)
	}
	return p, nil
}
