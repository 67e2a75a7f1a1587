package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain/lead"
	"crm/usecase/leads"
	"crm/usecase/record"
)

var _ leads.Repository = (*LeadRepository)(nil)

// LeadRepository stores leads in the leads table; store has the writes and
// reads every aggregate shares, this file the lead's row, SQL and list.
type LeadRepository struct {
	store[*lead.Lead, leadRow]
}

// NewLeadRepository returns a LeadRepository over pool.
func NewLeadRepository(pool *pgxpool.Pool) *LeadRepository {
	return &LeadRepository{leadsTable.on(pool)}
}

// leadRow is one row of leads (or lead_versions) as stored.
type leadRow struct {
	stamps
	Name    string `db:"name"`
	Email   string `db:"email"`
	Company string `db:"company"`
	Phone   string `db:"phone"`
	Source  string `db:"source"`
	Score   int    `db:"score"`
	Status  string `db:"status"`
	Notes   string `db:"notes"`
	OwnerID *int64 `db:"owner_id"`
}

const leadColumns = `id, name, email, company, phone, source, score, status, notes, owner_id, ` + stampColumns

var leadsTable = table[*lead.Lead, leadRow]{
	kind: lead.Kind, name: "leads", columns: leadColumns,
	insert: `
INSERT INTO leads (name, email, company, phone, source, score, status, notes, owner_id, updated_by)
VALUES (@name, @email, @company, @phone, @source, @score, @status, @notes, @owner_id, @updated_by)
RETURNING ` + leadColumns,
	update: `
UPDATE leads
SET name = @name, email = @email, company = @company, phone = @phone, source = @source,
    score = @score, status = @status, notes = @notes, owner_id = @owner_id,
    ` + stampUpdate + `
WHERE id = @id AND version = @version
RETURNING ` + leadColumns,
	// lead_versions names its id lead_id (migration 000002).
	versions: `SELECT lead_id AS id, name, email, company, phone, source, score, status, notes, owner_id, ` +
		stampColumns + ` FROM lead_versions WHERE lead_id = $1`,
	history: leadEvents,
	title:   func(l *lead.Lead) string { return l.Fields().Name },
	refused: refusedOwner,
	toDomain: func(r leadRow) *lead.Lead {
		return stamped(lead.Rehydrate(lead.Snapshot{
			Fields: lead.Fields{Name: r.Name, Email: r.Email, Company: r.Company, Phone: r.Phone,
				Source: r.Source, Score: r.Score, Notes: r.Notes, Owner: ownerOf(r.OwnerID)},
			Status: lead.Status(r.Status),
		}), r.stamps)
	},
	args: func(l *lead.Lead) pgx.NamedArgs {
		f := l.Fields()
		return pgx.NamedArgs{
			"name": f.Name, "email": f.Email, "company": f.Company, "phone": f.Phone, "source": f.Source,
			"score": f.Score, "status": string(l.Status()), "notes": f.Notes, "owner_id": ownerArg(f.Owner),
			"updated_by": l.UpdatedBy(),
		}
	},
}

// leadEvents are a page of a lead's own events and those of the deal it
// was converted into (see ownEvents), so the lead's history tells the story
// to its end: edited, converted, deal won. A UNION ALL rather than an OR:
// each branch reads activity_aggregate_idx, where the OR scanned the whole
// table (0.8 ms against 115 ms over 600,000 events). Each branch stops at a
// page itself: sorting the whole history of a lead with 1,306 events took
// 1.5 ms, reading a page from each branch 0.07 ms.
const leadEvents = `(
  (SELECT * FROM activity WHERE aggregate_kind = $1 AND aggregate_id = $2 AND id < $3 ORDER BY id DESC LIMIT $4)
  UNION ALL
  (SELECT a.* FROM deals d JOIN activity a ON a.aggregate_kind = 'deal' AND a.aggregate_id = d.id
   WHERE d.lead_id = $2 AND a.id < $3 ORDER BY a.id DESC LIMIT $4)
) AS events`

// List returns one page of leads matching q, in its order (see
// store.sortedPage). Search is matched anywhere in name, email and
// company, and a search of one or two characters at the start of one of
// them (see record.ShortSearch), case-insensitively; surrounding spaces are
// ignored.
func (r *LeadRepository) List(ctx context.Context, q leads.ListQuery) (record.Page[*lead.Lead], error) {
	where, args := leadFilter(q)
	o := leadOrdering(q.Sort)
	if q.After > 0 && !o.fixed {
		key, err := q.Sort.ParseKey(q.AfterKey)
		if err != nil {
			return record.Page[*lead.Lead]{}, fmt.Errorf("list leads: %w", err)
		}
		o.after = key
	}
	return r.sortedPage(ctx, where, args, q.Paging, o, planMode(q.Search))
}

// Each calls fn with every lead of q's view, its page aside, in its order,
// as they stood at one moment; it stops at fn's first error.
func (r *LeadRepository) Each(ctx context.Context, q leads.ListQuery, fn func(*lead.Lead) error) error {
	where, args := leadFilter(q)
	return r.each(ctx, where, args, leadOrdering(q.Sort), fn)
}

func leadOrdering(s leads.Sort) ordering {
	switch s.By {
	case "", leads.SortCreated:
		return ordering{key: `created_at`, asc: s.Asc, fixed: true}
	case leads.SortUpdated:
		// From lead_touches, which keeps saves HOT (migration 000017).
		return ordering{key: `touched_at`, asc: s.Asc, join: `JOIN lead_touches ON lead_touches.lead_id = leads.id`, id: `lead_id`}
	}
	return ordering{key: leadSortKeys[s.By], asc: s.Asc}
}

// leadSortKeys are the SQL of each sort key, identical to the expressions
// of the indexes of migration 000015 that serve them. Creation, the default
// order, is by created_at, whose cursor is the id alone (ordering.fixed);
// the last change is lead_touches' (see leadOrdering).
var leadSortKeys = map[leads.SortKey]string{
	leads.SortName:    `name COLLATE "und-x-icu"`,
	leads.SortCompany: `company COLLATE "und-x-icu"`,
	leads.SortScore:   `score`,
	leads.SortStatus:  leadStatusRank,
}

// leadStatusRank is leads.StatusRank in SQL.
const leadStatusRank = `array_position('{NEW,CONTACTED,QUALIFIED,CONVERTED,LOST}'::text[], status)`

// leadFilter is the WHERE of the leads q selects, its order and page
// aside. Only the conditions in use are written into the SQL, rather than
// "(@status = ” OR status = @status)": those defeat the indexes once
// PostgreSQL switches a prepared statement to a generic plan.
func leadFilter(q leads.ListQuery) ([]string, pgx.NamedArgs) {
	var where []string
	args := pgx.NamedArgs{}
	if q.Status != "" {
		where = append(where, `status = @status`)
		args["status"] = string(q.Status)
	}
	if q.Source != "" {
		where = append(where, `source = @source`)
		args["source"] = q.Source
	}
	if cond := ownerCondition(q.Owner, args); cond != "" {
		where = append(where, cond)
	}
	if q.Score.Min != nil {
		where = append(where, `score >= @score_min`)
		args["score_min"] = *q.Score.Min
	}
	if q.Score.Max != nil {
		where = append(where, `score <= @score_max`)
		args["score_max"] = *q.Score.Max
	}
	updated := "updated_at"
	if q.Sort.By == leads.SortUpdated {
		updated = "touched_at" // the same instant, in the index the order walks
	}
	for _, p := range []struct {
		column string
		period leads.Period
	}{{"created_at", q.Created}, {updated, q.Updated}} {
		if !p.period.From.IsZero() {
			where = append(where, p.column+` >= @`+p.column+`_from`)
			args[p.column+"_from"] = p.period.From
		}
		if !p.period.To.IsZero() {
			where = append(where, p.column+` < @`+p.column+`_to`)
			args[p.column+"_to"] = p.period.To
		}
	}
	if cond := searchCondition(q.Search, args); cond != "" {
		where = append(where, cond)
	}
	return where, args
}

// Sources lists the sources live leads have, in order, at most limit of
// them, for the source filter. Sources are free text, so there may be
// many; the query skips from one to the next through leads_source_idx
// (one index probe a source) rather than reading every lead.
func (r *LeadRepository) Sources(ctx context.Context, limit int) ([]string, error) {
	rows, err := r.db.Query(ctx, `
WITH RECURSIVE s AS (
  (SELECT source FROM leads WHERE deleted_at IS NULL ORDER BY source LIMIT 1)
  UNION ALL
  SELECT (SELECT l.source FROM leads l WHERE l.deleted_at IS NULL AND l.source > s.source ORDER BY l.source LIMIT 1)
  FROM s WHERE s.source IS NOT NULL
)
SELECT source FROM s WHERE source IS NOT NULL AND source <> '' LIMIT $1`, limit)
	if err != nil {
		return nil, failed("list sources", err)
	}
	sources, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, failed("list sources", err)
	}
	return sources, nil
}

// statusCount is one row of CountByStatus's query.
type statusCount struct {
	Status string `db:"status"`
	N      int    `db:"n"`
}

// CountByStatus counts the live leads per status. Every status is in the
// map, with 0 when no lead has it, so tabs need no special case. The counts
// are read from lead_status_counts, which the saves keep exact (migration
// 000013), rather than counted.
func (r *LeadRepository) CountByStatus(ctx context.Context) (map[lead.Status]int, error) {
	rows, err := r.db.Query(ctx, `SELECT status, live AS n FROM lead_status_counts`)
	if err != nil {
		return nil, failed("count leads", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[statusCount])
	if err != nil {
		return nil, failed("count leads", err)
	}
	counts := make(map[lead.Status]int, len(lead.Statuses))
	for _, s := range lead.Statuses {
		counts[s] = 0
	}
	for _, c := range got {
		counts[lead.Status(c.Status)] = c.N
	}
	return counts, nil
}

// planMode has searches planned for the pattern at hand. A rare term is
// fast through the trigram index and a common one by walking the primary key
// until a page is full; only a plan made for the actual pattern can tell
// which. A cached prepared statement may settle on one generic plan after
// five runs: measured on a million leads, a rare term then took 0.9 s
// instead of 18 ms. Statements without a search keep the cached plan.
func planMode(search string) pgx.QueryExecMode {
	if strings.TrimSpace(search) == "" {
		return pgx.QueryExecModeCacheStatement
	}
	return pgx.QueryExecModeExec
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(conds, ` AND `)
}
