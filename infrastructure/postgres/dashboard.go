package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/dashboard"
)

var (
	_ dashboard.Repository = (*DashboardRepository)(nil)
	_ dashboard.Tasks      = (*DashboardRepository)(nil)
)

// DashboardRepository reads the dashboard's figures, each from a table or
// index kept for it (migrations 000028 and 000030). Where the kept rows are
// few (counts, sums) the owner is a filter and one statement serves the
// team and a rep; where they are one per deal, a rep's figure reads an
// index keyed by owner, in a statement of its own (byOwner).
type DashboardRepository struct {
	db *pgxpool.Pool
}

// NewDashboardRepository returns a DashboardRepository over pool.
func NewDashboardRepository(pool *pgxpool.Pool) *DashboardRepository {
	return &DashboardRepository{db: pool}
}

// ownerFilter selects the rows of owner $1, or every row for 0 (the team).
const ownerFilter = `($1::bigint = 0 OR owner_id = $1)`

// LeadStatuses sums the kept counts per owner and status: a few rows per
// rep, however many leads.
func (r *DashboardRepository) LeadStatuses(ctx context.Context, owner int64) (map[lead.Status]int64, error) {
	rows, err := r.db.Query(ctx, `SELECT status, sum(live)::bigint FROM lead_owner_status_counts WHERE `+ownerFilter+` GROUP BY status`, owner)
	if err != nil {
		return nil, failed("count leads by status", err)
	}
	out := map[lead.Status]int64{}
	var (
		status string
		n      int64
	)
	if _, err := pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		out[lead.Status(status)] = n
		return nil
	}); err != nil {
		return nil, failed("count leads by status", err)
	}
	return out, nil
}

// Pipeline adds up the kept sums of each owner, a few rows.
func (r *DashboardRepository) Pipeline(ctx context.Context, owner int64, stages []deal.Stage) (map[deal.Stage][]dashboard.Amount, error) {
	rows, err := r.db.Query(ctx, `
		SELECT stage, currency, sum(amount_minor)::bigint, sum(deals)::bigint
		FROM deal_pipeline_sums
		WHERE stage = ANY($2) AND `+ownerFilter+`
		GROUP BY stage, currency HAVING sum(deals) > 0 ORDER BY stage, currency`, owner, stageArgs(stages))
	if err != nil {
		return nil, failed("sum the pipeline", err)
	}
	out := map[deal.Stage][]dashboard.Amount{}
	var (
		stage string
		a     dashboard.Amount
	)
	if _, err := pgx.ForEachRow(rows, []any{&stage, &a.Currency, &a.Minor, &a.Deals}, func() error {
		out[deal.Stage(stage)] = append(out[deal.Stage(stage)], a)
		return nil
	}); err != nil {
		return nil, failed("sum the pipeline", err)
	}
	return out, nil
}

// Entered adds up the days kept in deal_stage_days (migration 000030)
// that the period holds whole, in UTC, and counts the marks of the hours
// at its edges from deal_marks_stage_since_idx: a rep's month starts at
// their midnight, rarely UTC's, and a day's row cannot be split.
func (r *DashboardRepository) Entered(ctx context.Context, owner int64, stages []deal.Stage, from, to time.Time) (map[deal.Stage]int64, error) {
	first, last := wholeDays(from, to)
	rows, err := r.db.Query(ctx, `
		SELECT stage, sum(n)::bigint FROM (
			SELECT stage, deals AS n FROM deal_stage_days
			WHERE stage = ANY($2) AND day >= $3::date AND day < $4::date AND `+byOwner(owner)+`
			UNION ALL
			SELECT stage, count(*) FROM deal_marks
			WHERE live AND stage = ANY($2) AND stage_since >= $5 AND stage_since < $6 AND `+byOwner(owner)+`
			GROUP BY stage
			UNION ALL
			SELECT stage, count(*) FROM deal_marks
			WHERE live AND stage = ANY($2) AND stage_since >= $7 AND stage_since < $8 AND `+byOwner(owner)+`
			GROUP BY stage) AS c
		GROUP BY stage HAVING sum(n) <> 0`, owner, stageArgs(stages), first, last, from, first, last, to)
	if err != nil {
		return nil, failed("count deals by stage entered", err)
	}
	out := map[deal.Stage]int64{}
	var (
		stage string
		n     int64
	)
	if _, err := pgx.ForEachRow(rows, []any{&stage, &n}, func() error {
		out[deal.Stage(stage)] = n
		return nil
	}); err != nil {
		return nil, failed("count deals by stage entered", err)
	}
	return out, nil
}

// wholeDays are the UTC days [first, last) that [from, to) holds whole;
// first = last = to when it holds none, so its marks are all counted.
func wholeDays(from, to time.Time) (first, last time.Time) {
	const day = 24 * time.Hour
	first, last = from.UTC().Truncate(day), to.UTC().Truncate(day)
	if first.Before(from) {
		first = first.Add(day)
	}
	if !first.Before(last) {
		return to, to
	}
	return first, last
}

// byOwner selects the deal marks or days of owner $1, for a rep; for the
// team (0) it is a constant, so that each gets a statement of its own and
// a rep's reads the indexes keyed by owner. One statement for both, with
// "($1 = 0 OR owner_id = $1)", read the team's index for a rep too: every
// open deal's entry to find theirs (13 ms for a rep with none of 120,000).
func byOwner(owner int64) string {
	if owner == 0 {
		return `$1::bigint = 0`
	}
	return `owner_id = $1`
}

// StageTimes walks activity_deal_stage_changes_idx from the period's end
// for its latest scan changes, keeps those of owner's live deals in that
// order, up to sample of them, and finds each one's previous change by the
// history's own index (activity_aggregate_idx). The walk is a subquery of
// its own, whose order the join keeps: joined with deals directly, the
// planner (misjudging how many changes a period holds) sorted every change
// of the year, 110 ms for 40,000 of them against 5 to 10 ms so. The walk
// reads the index alone (it includes the deal, migration 000030) and only
// the sample's rows are read for the stage they left: reading every
// scanned row took 5 ms for a rep whose deals were none of the 5,000
// latest changes, 0.2 ms so. A change recorded before the pipeline left
// OPEN, which migration 000027 made Qualification: its time counts there.
func (r *DashboardRepository) StageTimes(ctx context.Context, owner int64, from, to time.Time, sample, scan int) (map[deal.Stage]dashboard.StageTime, error) {
	rows, err := r.db.Query(ctx, `
		WITH moves AS (
			SELECT l.id, l.aggregate_id, l.occurred_at, d.created_at
			FROM (
				SELECT a.id, a.aggregate_id, a.occurred_at
				FROM activity a
				WHERE a.aggregate_kind = 'deal' AND a.event = $6 AND a.occurred_at >= $2 AND a.occurred_at < $3
				ORDER BY a.occurred_at DESC, a.id DESC
				LIMIT $7) AS l
			JOIN deals d ON d.id = l.aggregate_id AND d.deleted_at IS NULL
			WHERE ($1::bigint = 0 OR d.owner_id = $1)
			ORDER BY l.occurred_at DESC, l.id DESC
			LIMIT $4)
		SELECT s.stage, count(*),
		       sum(extract(epoch FROM m.occurred_at - coalesce(p.occurred_at, m.created_at)))::float8 / 86400
		FROM moves m
		JOIN activity a ON a.id = m.id
		CROSS JOIN LATERAL (
			SELECT CASE c->>'old' WHEN 'OPEN' THEN $8 ELSE c->>'old' END AS stage
			FROM jsonb_array_elements(a.changes) c WHERE c->>'field' = $5) s
		LEFT JOIN LATERAL (
			SELECT p.occurred_at FROM activity p
			WHERE p.aggregate_kind = 'deal' AND p.aggregate_id = m.aggregate_id AND p.event = $6 AND p.id < m.id
			ORDER BY p.id DESC LIMIT 1) p ON true
		WHERE s.stage IS NOT NULL
		GROUP BY s.stage`, owner, from, to, sample, deal.FieldStage, deal.EventStageChanged, scan, string(deal.StageQualification))
	if err != nil {
		return nil, failed("time the deal stages", err)
	}
	out := map[deal.Stage]dashboard.StageTime{}
	var (
		stage string
		t     dashboard.StageTime
	)
	if _, err := pgx.ForEachRow(rows, []any{&stage, &t.Moves, &t.Days}, func() error {
		out[deal.Stage(stage)] = t
		return nil
	}); err != nil {
		return nil, failed("time the deal stages", err)
	}
	return out, nil
}

// Rotting reads the oldest marks of each stage, the team's from
// deal_marks_touched_idx and a rep's from deal_marks_owner_touched_idx (a
// stage's range is in touched order, the stages' are merged here), and
// counts up to counted of them.
func (r *DashboardRepository) Rotting(ctx context.Context, owner int64, stages []deal.Stage, since time.Time, shown, counted int) (dashboard.Rotting, error) {
	var out dashboard.Rotting
	rows, err := r.db.Query(ctx, `
		SELECT m.deal_id, d.title, m.stage, m.touched_at
		FROM unnest($2::text[]) AS s (stage)
		CROSS JOIN LATERAL (
			SELECT deal_id, stage, touched_at FROM deal_marks
			WHERE live AND stage = s.stage AND touched_at < $3 AND `+byOwner(owner)+`
			ORDER BY touched_at, deal_id LIMIT $4) m
		JOIN deals d ON d.id = m.deal_id
		ORDER BY m.touched_at, m.deal_id LIMIT $4`, owner, stageArgs(stages), since, shown)
	if err != nil {
		return out, failed("list rotting deals", err)
	}
	var (
		d     dashboard.RottingDeal
		stage string
	)
	if _, err := pgx.ForEachRow(rows, []any{&d.ID, &d.Title, &stage, &d.Touched}, func() error {
		d.Stage = deal.Stage(stage)
		out.Deals = append(out.Deals, d)
		return nil
	}); err != nil {
		return out, failed("list rotting deals", err)
	}
	err = r.db.QueryRow(ctx, `
		SELECT count(*) FROM (
			SELECT 1 FROM deal_marks
			WHERE live AND stage = ANY($2) AND touched_at < $3 AND `+byOwner(owner)+`
			LIMIT $4) AS c`, owner, stageArgs(stages), since, counted).Scan(&out.Count)
	if err != nil {
		return out, failed("count rotting deals", err)
	}
	return out, nil
}

// OverdueTasks reads a range of tasks_open_assignee_due_idx twice: the
// first few tasks, and the count.
func (r *DashboardRepository) OverdueTasks(ctx context.Context, rep int64, now time.Time, limit int) ([]dashboard.OverdueTask, int, error) {
	rows, err := r.db.Query(ctx, `
		SELECT id, title, due FROM tasks
		WHERE assignee_id = $1 AND due < $2 AND `+openTasks+`
		ORDER BY due, id LIMIT $3`, rep, now, limit)
	if err != nil {
		return nil, 0, failed("list overdue tasks", err)
	}
	var (
		out []dashboard.OverdueTask
		t   dashboard.OverdueTask
	)
	if _, err := pgx.ForEachRow(rows, []any{&t.ID, &t.Title, &t.Due}, func() error {
		out = append(out, t)
		return nil
	}); err != nil {
		return nil, 0, failed("list overdue tasks", err)
	}
	var n int
	if err := r.db.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE assignee_id = $1 AND due < $2 AND `+openTasks, rep, now).Scan(&n); err != nil {
		return nil, 0, failed("count overdue tasks", err)
	}
	return out, n, nil
}

// stageArgs are stages as the stage columns hold them.
func stageArgs(stages []deal.Stage) []string {
	out := make([]string, len(stages))
	for i, s := range stages {
		out[i] = string(s)
	}
	return out
}
