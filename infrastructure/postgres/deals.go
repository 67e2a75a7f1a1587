package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/deal"
	"crm/usecase/deals"
)

var _ deals.Repository = (*DealRepository)(nil)

// DealRepository stores deals in the deals table, as LeadRepository stores
// leads: each write is one compare-and-swap statement on the version
// column, in a short transaction with the deal's domain events (written to
// activity); no row lock is held between reading a deal and saving it. A
// unit of work builds one over its transaction.
type DealRepository struct {
	db querier
}

// NewDealRepository returns a DealRepository over pool.
func NewDealRepository(pool *pgxpool.Pool) *DealRepository {
	return &DealRepository{db: pool}
}

// dealsTable is the table the compare-and-swap writes.
const dealsTable = "deals"

// dealRow is one row of deals (or deal_versions) as stored.
type dealRow struct {
	ID          int64     `db:"id"`
	Title       string    `db:"title"`
	AmountMinor int64     `db:"amount_minor"`
	Currency    string    `db:"currency"`
	Stage       string    `db:"stage"`
	ContactID   int64     `db:"contact_id"`
	LeadID      *int64    `db:"lead_id"` // NULL when the deal was not converted from a lead
	Version     int64     `db:"version"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
	UpdatedBy   string    `db:"updated_by"`
}

const dealColumns = `id, title, amount_minor, currency, stage, contact_id, lead_id,
	version, created_at, updated_at, updated_by`

func (r dealRow) toDomain() *deal.Deal {
	var leadID int64
	if r.LeadID != nil {
		leadID = *r.LeadID
	}
	return deal.Rehydrate(deal.Snapshot{
		ID:      r.ID,
		Version: r.Version,
		Fields: deal.Fields{
			Title:  r.Title,
			Amount: deal.Money{Minor: r.AmountMinor, Currency: r.Currency},
		},
		Stage:     deal.Stage(r.Stage),
		ContactID: r.ContactID,
		LeadID:    leadID,
		CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt,
		UpdatedBy: r.UpdatedBy,
	})
}

func dealToRow(d *deal.Deal) dealRow {
	s := d.Snapshot()
	var leadID *int64
	if s.LeadID != 0 {
		leadID = &s.LeadID
	}
	return dealRow{
		ID: s.ID, Title: s.Fields.Title, AmountMinor: s.Fields.Amount.Minor, Currency: s.Fields.Amount.Currency,
		Stage: string(s.Stage), ContactID: s.ContactID, LeadID: leadID,
		Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy,
	}
}

// writable returns the columns a save may set. Id, version and the
// timestamps are absent on purpose: the database assigns them.
func (r dealRow) writable() pgx.NamedArgs {
	return pgx.NamedArgs{
		"title": r.Title, "amount_minor": r.AmountMinor, "currency": r.Currency, "stage": r.Stage,
		"contact_id": r.ContactID, "lead_id": r.LeadID, "updated_by": r.UpdatedBy,
	}
}

func collectDeal(rows pgx.Rows, err error) (dealRow, error) {
	if err != nil {
		return dealRow{}, err
	}
	return pgx.CollectOneRow(rows, pgx.RowToStructByName[dealRow])
}

func collectDeals(rows pgx.Rows, err error) ([]dealRow, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[dealRow])
}

func dealsOf(rows []dealRow) []*deal.Deal {
	out := make([]*deal.Deal, len(rows))
	for i, row := range rows {
		out[i] = row.toDomain()
	}
	return out
}

const insertDeal = `
INSERT INTO deals (title, amount_minor, currency, stage, contact_id, lead_id, updated_by)
VALUES (@title, @amount_minor, @currency, @stage, @contact_id, @lead_id, @updated_by)
RETURNING ` + dealColumns

// Create stores d as a new deal with its events. The database assigns the
// id, version 1 and both timestamps, so the returned deal is what a later
// Get would return. A contact or lead that does not exist is a
// *domain.ValidationError, a lead that already has a deal a
// *domain.RuleError: the database's constraints decide, so a contact
// deleted a moment before cannot slip through.
func (r *DealRepository) Create(ctx context.Context, d *deal.Deal) (*deal.Deal, error) {
	var row dealRow
	err := pgx.BeginFunc(ctx, r.db, func(tx pgx.Tx) (err error) {
		if row, err = collectDeal(tx.Query(ctx, insertDeal, dealToRow(d).writable())); err != nil {
			if refused := refusedDeal(err); refused != nil {
				return refused
			}
			return failed("insert deal", err)
		}
		return recordEvents(ctx, tx, deal.Kind, row.ID, row.Version, d.DomainEvents())
	})
	if err != nil {
		return nil, failed("create deal", err)
	}
	d.ClearEvents()
	return row.toDomain(), nil
}

// SQLSTATEs of the constraint violations a deal's insert can meet.
const (
	foreignKeyViolation = "23503"
	uniqueViolation     = "23505"
)

// refusedDeal turns the violation of a deals constraint that a rep can
// cause (naming a contact or lead that is gone, converting a lead twice)
// into the domain error that says so, and returns nil for anything else.
func refusedDeal(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return nil
	}
	switch {
	case pgErr.Code == foreignKeyViolation && pgErr.ConstraintName == "deals_contact_fkey":
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: deal.FieldContact, Message: "The contact does not exist."}}}
	case pgErr.Code == foreignKeyViolation && pgErr.ConstraintName == "deals_lead_fkey":
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: deal.FieldLead, Message: "The lead does not exist."}}}
	case pgErr.Code == uniqueViolation && pgErr.ConstraintName == "deals_lead_once_idx":
		return &domain.RuleError{Field: deal.FieldLead, Message: "This lead already has a deal."}
	}
	return nil
}

const selectDeal = `SELECT ` + dealColumns + ` FROM deals WHERE id = $1`

// Get returns deal id, or domain.ErrNotFound.
func (r *DealRepository) Get(ctx context.Context, id int64) (*deal.Deal, error) {
	row, err := r.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return row.toDomain(), nil
}

func (r *DealRepository) get(ctx context.Context, id int64) (dealRow, error) {
	row, err := collectDeal(r.db.Query(ctx, selectDeal, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return dealRow{}, domain.ErrNotFound
	}
	if err != nil {
		return dealRow{}, failed("select deal", err)
	}
	return row, nil
}

const selectDealVersion = `SELECT ` + dealColumns + ` FROM deal_versions WHERE id = $1 AND version = $2`

// Version returns deal id as it was saved at version, from the history the
// triggers of migration 000004 keep, or domain.ErrNotFound.
func (r *DealRepository) Version(ctx context.Context, id, version int64) (*deal.Deal, error) {
	row, err := collectDeal(r.db.Query(ctx, selectDealVersion, id, version))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, failed("select deal version", err)
	}
	return row.toDomain(), nil
}

// updateDeal is the compare-and-swap: it writes only if the deal is still
// at the version the caller started from, and bumps the version in the same
// statement, so two saves from one version can never both succeed. The
// contact and lead are not written: a deal never changes them.
const updateDeal = `
UPDATE deals
SET title = @title, amount_minor = @amount_minor, currency = @currency, stage = @stage,
    updated_by = @updated_by, updated_at = now(), version = version + 1
WHERE id = @id AND version = @version
RETURNING ` + dealColumns

// Update loads deal id, checks it is still at version, lets apply change it
// and, when apply reports a change, saves it at version+1 together with the
// events apply recorded. It returns domain.ErrNotFound, a
// *domain.OptimisticLockError when someone else saved first, or apply's
// error unchanged; on any error nothing is written, events included. It
// does not retry: a stale save is the rep's to resolve.
func (r *DealRepository) Update(ctx context.Context, id, version int64, apply func(*deal.Deal) (changed bool, err error)) (*deal.Deal, error) {
	current, err := r.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if current.Version != version {
		// Checked before apply so a stale caller never sees its change
		// validated against a deal it did not start from.
		return nil, staleVersion(deal.Kind, id, version, current.Version)
	}
	d := current.toDomain()
	changed, err := apply(d)
	if err != nil {
		return nil, err
	}
	if !changed {
		// Rebuilt from the row rather than returning d, in case apply
		// touched d while reporting no change: callers get what is stored.
		return current.toDomain(), nil
	}
	args := dealToRow(d).writable()
	args["id"], args["version"] = id, version
	var saved dealRow
	err = pgx.BeginFunc(ctx, r.db, func(tx pgx.Tx) (err error) {
		saved, err = collectDeal(tx.Query(ctx, updateDeal, args))
		if err != nil {
			return err
		}
		return recordEvents(ctx, tx, deal.Kind, id, saved.Version, d.DomainEvents())
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, missedSave(ctx, r.db, dealsTable, deal.Kind, id, version)
	}
	if err != nil {
		return nil, failed("update deal", err)
	}
	d.ClearEvents()
	return saved.toDomain(), nil
}

// History returns deal id's recorded events, newest first.
func (r *DealRepository) History(ctx context.Context, id int64) ([]domain.RecordedEvent, error) {
	return readHistory(ctx, r.db, ownEvents, deal.Kind, id)
}

// List returns one page of deals in q.Stage (every stage when empty),
// newest first, paging by id (keyset) as LeadRepository.List does, with
// the names of the page's contacts. A Limit of 0 or less means
// deals.DefaultPageSize.
func (r *DealRepository) List(ctx context.Context, q deals.ListQuery) (deals.Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = deals.DefaultPageSize
	}
	// Only the conditions in use are written into the SQL; see LeadRepository.List.
	var where []string
	args := pgx.NamedArgs{"limit": limit + 1} // one more tells whether a next page exists
	if q.Stage != "" {
		where = append(where, `stage = @stage`)
		args["stage"] = string(q.Stage)
	}
	if q.After > 0 {
		where = append(where, `id < @after`)
		args["after"] = q.After
	}
	got, err := collectDeals(r.db.Query(ctx, `SELECT `+dealColumns+` FROM deals`+whereClause(where)+` ORDER BY id DESC LIMIT @limit`, args))
	if err != nil {
		return deals.Page{}, failed("select deals", err)
	}
	var page deals.Page
	if len(got) > limit {
		got = got[:limit]
		page.Next = got[limit-1].ID
	}
	page.Deals = dealsOf(got)
	if page.ContactNames, err = r.contactNames(ctx, page.Deals); err != nil {
		return deals.Page{}, err
	}
	return page, nil
}

// contactNames reads the names of ds's contacts in one query by primary key.
func (r *DealRepository) contactNames(ctx context.Context, ds []*deal.Deal) (map[int64]string, error) {
	names := map[int64]string{}
	if len(ds) == 0 {
		return names, nil
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ContactID()
	}
	rows, err := r.db.Query(ctx, `SELECT id, name FROM contacts WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, failed("select contact names", err)
	}
	var (
		id   int64
		name string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		names[id] = name
		return nil
	})
	if err != nil {
		return nil, failed("select contact names", err)
	}
	return names, nil
}

// ListByContact returns contact contactID's deals, newest first, at most
// deals.MaxPageSize of them; the index deals_contact_idx answers it.
func (r *DealRepository) ListByContact(ctx context.Context, contactID int64) ([]*deal.Deal, error) {
	got, err := collectDeals(r.db.Query(ctx, `SELECT `+dealColumns+` FROM deals WHERE contact_id = $1
ORDER BY id DESC LIMIT $2`, contactID, deals.MaxPageSize))
	if err != nil {
		return nil, failed("select deals of contact", err)
	}
	return dealsOf(got), nil
}
