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
	"crm/usecase/record"
)

var _ deals.Repository = (*DealRepository)(nil)

// DealRepository stores deals in the deals table; store has the writes and
// reads every aggregate shares, this file the deal's row, SQL, constraints
// and lists.
type DealRepository struct {
	store[*deal.Deal, dealRow]
}

// NewDealRepository returns a DealRepository over pool.
func NewDealRepository(pool *pgxpool.Pool) *DealRepository {
	return &DealRepository{dealsTable.on(pool)}
}

// dealRow is one row of deals (or deal_versions) as stored.
type dealRow struct {
	stamps
	Title       string `db:"title"`
	AmountMinor int64  `db:"amount_minor"`
	Currency    string `db:"currency"`
	Stage       string `db:"stage"`
	ContactID   int64  `db:"contact_id"`
	LeadID      *int64 `db:"lead_id"` // NULL when the deal was not converted from a lead
	Notes       string `db:"notes"`
	OwnerID     *int64 `db:"owner_id"`
	// NULL for no date; a date column scans as midnight UTC.
	ExpectedClose *time.Time `db:"expected_close"`
	ClosedOn      *time.Time `db:"closed_on"`
}

const dealColumns = `id, title, amount_minor, currency, stage, contact_id, lead_id, notes, owner_id, expected_close, closed_on, ` + stampColumns

var dealsTable = table[*deal.Deal, dealRow]{
	kind: deal.Kind, name: "deals", columns: dealColumns,
	insert: `
INSERT INTO deals (title, amount_minor, currency, stage, contact_id, lead_id, notes, owner_id, expected_close, closed_on, updated_by)
VALUES (@title, @amount_minor, @currency, @stage, @contact_id, @lead_id, @notes, @owner_id, @expected_close, @closed_on, @updated_by)
RETURNING ` + dealColumns,
	// The contact and lead are not written: a deal never changes them.
	update: `
UPDATE deals
SET title = @title, amount_minor = @amount_minor, currency = @currency, stage = @stage, notes = @notes, owner_id = @owner_id,
    expected_close = @expected_close, closed_on = @closed_on,
    ` + stampUpdate + `
WHERE id = @id AND version = @version
RETURNING ` + dealColumns,
	versions: `SELECT ` + dealColumns + ` FROM deal_versions WHERE id = $1`,
	history:  ownEvents,
	title:    func(d *deal.Deal) string { return d.Fields().Title },
	toDomain: func(r dealRow) *deal.Deal {
		var leadID int64
		if r.LeadID != nil {
			leadID = *r.LeadID
		}
		return stamped(deal.Rehydrate(deal.Snapshot{
			Fields: deal.Fields{Title: r.Title, Amount: deal.Money{Minor: r.AmountMinor, Currency: r.Currency}, Notes: r.Notes, Owner: ownerOf(r.OwnerID),
				ExpectedClose: dateOf(r.ExpectedClose)},
			Stage: deal.Stage(r.Stage), ClosedOn: dateOf(r.ClosedOn), ContactID: r.ContactID, LeadID: leadID,
		}), r.stamps)
	},
	args: func(d *deal.Deal) pgx.NamedArgs {
		f := d.Fields()
		var leadID *int64
		if id := d.LeadID(); id != 0 {
			leadID = &id
		}
		return pgx.NamedArgs{
			"title": f.Title, "amount_minor": f.Amount.Minor, "currency": f.Amount.Currency, "stage": string(d.Stage()),
			"contact_id": d.ContactID(), "lead_id": leadID, "notes": f.Notes, "owner_id": ownerArg(f.Owner),
			"expected_close": dateArg(f.ExpectedClose), "closed_on": dateArg(d.ClosedOn()), "updated_by": d.UpdatedBy(),
		}
	},
	refused: refusedDeal,
}

// dateOf reads a nullable date column.
func dateOf(t *time.Time) domain.Date {
	if t == nil {
		return domain.Date{}
	}
	return domain.DateOf(*t)
}

// dateArg writes a date, NULL for none.
func dateArg(d domain.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Time()
	return &t
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
		return deal.ContactMissing()
	case pgErr.Code == foreignKeyViolation && pgErr.ConstraintName == "deals_lead_fkey":
		return deal.LeadMissing()
	case pgErr.Code == uniqueViolation && pgErr.ConstraintName == "deals_lead_once_idx":
		return deal.LeadTaken()
	}
	return refusedOwner(err)
}

// List returns one page of deals in q.Stage (every stage when empty),
// newest first (see store.page), with the names of the page's contacts.
func (r *DealRepository) List(ctx context.Context, q deals.ListQuery) (deals.Page, error) {
	// Only the conditions in use are written into the SQL; see LeadRepository.List.
	var where []string
	args := pgx.NamedArgs{}
	if q.Stage != "" {
		where = append(where, `stage = @stage`)
		args["stage"] = string(q.Stage)
	}
	if cond := ownerCondition(q.Owner, args); cond != "" {
		where = append(where, cond)
	}
	// The dashboard's won, lost and rotting figures count deal_marks, which
	// the saves keep (migration 000028): the list reads the same marks, by
	// the same indexes, so it finds the deals the figure counted.
	if q.Closing() {
		where = append(where, `id IN (SELECT deal_id FROM deal_marks
			WHERE live AND stage = ANY(@closed_stages) AND stage_since >= @closed_from AND stage_since < @closed_to)`)
		args["closed_stages"], args["closed_from"], args["closed_to"] = stageArgs(listStages(q.Stage, deal.Stage.Closed)), q.ClosedFrom, q.ClosedTo
	}
	if q.Untouched() {
		where = append(where, `id IN (SELECT deal_id FROM deal_marks
			WHERE live AND stage = ANY(@untouched_stages) AND touched_at < @untouched_since)`)
		args["untouched_stages"], args["untouched_since"] = stageArgs(listStages(q.Stage, deal.Stage.Open)), q.UntouchedSince
	}
	page, err := r.page(ctx, where, args, q.Paging, pgx.QueryExecModeCacheStatement)
	if err != nil {
		return deals.Page{}, err
	}
	names, err := r.contactNames(ctx, page.Items)
	if err != nil {
		return deals.Page{}, err
	}
	return deals.Page{Page: page, ContactNames: names}, nil
}

// listStages are the stages that are kept (Open or Closed) among the one
// a list asks for, or among all when it asks for none.
func listStages(asked deal.Stage, kept func(deal.Stage) bool) []deal.Stage {
	var out []deal.Stage
	for _, s := range deal.Stages {
		if kept(s) && (asked == "" || s == asked) {
			out = append(out, s)
		}
	}
	return out
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
// record.MaxPageSize of them; the index deals_contact_idx answers it.
func (r *DealRepository) ListByContact(ctx context.Context, contactID int64) ([]*deal.Deal, error) {
	page, err := r.page(ctx, []string{`contact_id = @contact`}, pgx.NamedArgs{"contact": contactID},
		record.Paging{Limit: record.MaxPageSize}, pgx.QueryExecModeCacheStatement)
	return page.Items, err
}

// stageTotal is one row of Totals's query.
type stageTotal struct {
	Stage    string `db:"stage"`
	Currency string `db:"currency"`
	N        int    `db:"n"`
	Minor    int64  `db:"minor"`
}

// Totals adds up the live deals of owner by stage and currency from
// deal_pipeline_sums, which the saves keep exact (migration 000028), rather
// than adding up every deal. That table keeps nobody's deals under owner 0.
func (r *DealRepository) Totals(ctx context.Context, owner record.OwnerFilter) ([]deals.StageTotal, error) {
	args := pgx.NamedArgs{}
	where := ``
	switch owner.Of {
	case record.OwnerAnyone:
	case record.OwnerNobody:
		where = `WHERE owner_id = 0`
	default:
		where, args["owner_id"] = `WHERE owner_id = @owner_id`, owner.ID
	}
	rows, err := r.db.Query(ctx, `
SELECT stage, currency, sum(deals)::bigint AS n, sum(amount_minor)::bigint AS minor
FROM deal_pipeline_sums `+where+`
GROUP BY stage, currency HAVING sum(deals) <> 0 ORDER BY stage, currency`, args)
	if err != nil {
		return nil, failed("total deals by stage", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[stageTotal])
	if err != nil {
		return nil, failed("total deals by stage", err)
	}
	out := make([]deals.StageTotal, len(got))
	for i, t := range got {
		out[i] = deals.StageTotal{Stage: deal.Stage(t.Stage), Count: t.N, Amount: deal.Money{Minor: t.Minor, Currency: t.Currency}}
	}
	return out, nil
}
