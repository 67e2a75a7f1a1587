// Package deals holds the use cases reps perform on deals: those every
// record shares (record.Service), stage moves (record.Moves) and what only
// deals have, their lists by stage and by contact.
package deals

import (
	"context"
	"fmt"
	"time"

	"crm/domain/deal"
	"crm/usecase/record"
)

// ListQuery selects a page of deals, newest first.
type ListQuery struct {
	Stage deal.Stage // "" for every stage
	Owner record.OwnerFilter
	// ClosedFrom and ClosedTo, when set, keep the deals now Won or Lost
	// that entered that stage in [ClosedFrom, ClosedTo): the deals the
	// dashboard counts as won and lost in a period. The move's time is the
	// one the dashboard counts, not the closed-on date the rep gave with
	// it, which may be another day (a deal won yesterday, marked today).
	ClosedFrom, ClosedTo time.Time
	// UntouchedSince, when set, keeps the open deals nobody has saved
	// since: the dashboard's rotting deals.
	UntouchedSince time.Time
	record.Paging
}

// Closing says whether q keeps only the deals closed in a stretch.
func (q ListQuery) Closing() bool { return !q.ClosedFrom.IsZero() }

// Untouched says whether q keeps only the open deals not saved since a
// time.
func (q ListQuery) Untouched() bool { return !q.UntouchedSince.IsZero() }

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
	// Totals returns, for each stage and currency that live deals of owner
	// have, how many there are and what their amounts add up to, ordered
	// by stage and currency.
	Totals(ctx context.Context, owner record.OwnerFilter) ([]StageTotal, error)
}

// StageTotal is what the live deals of one stage in one currency add up
// to: amounts in different currencies are never summed together.
type StageTotal struct {
	Stage  deal.Stage
	Count  int
	Amount deal.Money
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

// moves are the stage moves with gate g: every one is deal.Deal.MoveTo
// with what the caller was given for the gates, so each path (page, API,
// board) is refused or let through by the same rules.
func (s *Service) moves(g deal.Gate) record.Moves[*deal.Deal, deal.Fields, deal.Stage] {
	m := record.NewMoves(s.Service, deal.FieldStage, (*deal.Deal).Stage,
		func(d *deal.Deal, to deal.Stage, by string) error { return d.MoveTo(to, by, g) })
	if !g.ExpectedClose.IsZero() {
		// The move writes the date: another rep's date saved since must
		// not be overwritten by a move merged onto it.
		m = m.Carrying(deal.FieldExpectedClose)
	}
	return m
}

// Move moves deal id to stage to for rep by, who started from version,
// merging as record.Moves.Move does.
func (s *Service) Move(ctx context.Context, by string, id, version int64, to deal.Stage, g deal.Gate) (record.Saved[*deal.Deal], error) {
	return s.moves(g).Move(ctx, by, id, version, to)
}

// SaveAndMove saves the fields f rep by typed and moves deal id to stage
// to in one write (record.Moves.SaveAndMove): a rep who types the expected
// close and moves to Negotiation passes the gate with it.
func (s *Service) SaveAndMove(ctx context.Context, by string, id, version int64, f deal.Fields, to deal.Stage, g deal.Gate) (record.Saved[*deal.Deal], error) {
	return s.moves(g).SaveAndMove(ctx, by, id, version, f, to)
}

// MoveAt moves d, as the caller read it, to stage to at exactly its
// version (record.Moves.MoveAt).
func (s *Service) MoveAt(ctx context.Context, by string, d *deal.Deal, to deal.Stage, g deal.Gate) (*deal.Deal, error) {
	return s.moves(g).MoveAt(ctx, by, d, to)
}

// Create validates f and stores a new deal in Qualification with contact contactID,
// created by rep by.
func (s *Service) Create(ctx context.Context, by string, contactID int64, f deal.Fields) (*deal.Deal, error) {
	d, err := deal.New(f, contactID, 0, by)
	if err != nil {
		return nil, err
	}
	return s.Add(ctx, d)
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

// Totals returns how many live deals of owner each stage holds and their
// amount per currency, for the board's columns.
func (s *Service) Totals(ctx context.Context, owner record.OwnerFilter) ([]StageTotal, error) {
	ts, err := s.repo.Totals(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("total deals by stage: %w", err)
	}
	return ts, nil
}
