package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/task"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

var _ tasks.Repository = (*TaskRepository)(nil)

// TaskRepository stores tasks in the tasks table; store has the writes and
// reads every aggregate shares, this file the task's row, SQL and lists.
type TaskRepository struct {
	store[*task.Task, taskRow]
}

// NewTaskRepository returns a TaskRepository over pool.
func NewTaskRepository(pool *pgxpool.Pool) *TaskRepository {
	return &TaskRepository{tasksTable.on(pool)}
}

// taskRow is one row of tasks (or task_versions) as stored.
type taskRow struct {
	stamps
	Title      string     `db:"title"`
	Due        *time.Time `db:"due"` // NULL for no due time
	Done       bool       `db:"done"`
	AssigneeID int64      `db:"assignee_id"`
	Assignee   string     `db:"assignee"`
	Priority   string     `db:"priority"`
	LinkKind   *string    `db:"link_kind"` // NULL, with link_id, for none
	LinkID     *int64     `db:"link_id"`
}

const taskColumns = `id, title, due, done, assignee_id, assignee, priority, link_kind, link_id, ` + stampColumns

var tasksTable = table[*task.Task, taskRow]{
	kind: task.Kind, name: "tasks", columns: taskColumns,
	insert: `
INSERT INTO tasks (title, due, done, assignee_id, assignee, priority, link_kind, link_id, updated_by)
VALUES (@title, @due, @done, @assignee_id, @assignee, @priority, @link_kind, @link_id, @updated_by)
RETURNING ` + taskColumns,
	// The link is not written: a task keeps the record it was made for.
	update: `
UPDATE tasks
SET title = @title, due = @due, done = @done, assignee_id = @assignee_id, assignee = @assignee, priority = @priority,
    ` + stampUpdate + `
WHERE id = @id AND version = @version
RETURNING ` + taskColumns,
	versions: `SELECT ` + taskColumns + ` FROM task_versions WHERE id = $1`,
	history:  ownEvents,
	toDomain: func(r taskRow) *task.Task {
		f := task.Fields{Title: r.Title, Done: r.Done, Assignee: task.Assignee{ID: r.AssigneeID, Name: r.Assignee},
			Priority: task.Priority(r.Priority)}
		if r.Due != nil {
			f.Due = r.Due.UTC()
		}
		var l task.Link
		if r.LinkKind != nil && r.LinkID != nil {
			l = task.Link{Kind: *r.LinkKind, ID: *r.LinkID}
		}
		return stamped(task.Rehydrate(task.Snapshot{Fields: f, Link: l}), r.stamps)
	},
	args: func(t *task.Task) pgx.NamedArgs {
		f, l := t.Fields(), t.Link()
		var (
			due      *time.Time
			linkKind *string
			linkID   *int64
		)
		if !f.Due.IsZero() {
			due = &f.Due
		}
		if !l.None() {
			linkKind, linkID = &l.Kind, &l.ID
		}
		return pgx.NamedArgs{"title": f.Title, "due": due, "done": f.Done, "assignee_id": f.Assignee.ID,
			"assignee": f.Assignee.Name, "priority": string(f.Priority), "link_kind": linkKind, "link_id": linkID,
			"updated_by": t.UpdatedBy()}
	},
	refused: refusedTask,
}

// refusedTask turns a task for a user who does not exist into the domain
// error that says so, and returns nil for anything else.
func refusedTask(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == foreignKeyViolation && pgErr.ConstraintName == "tasks_assignee_fkey" {
		return task.AssigneeMissing()
	}
	return nil
}

// List returns one page of live tasks matching q, newest first (see
// store.page). Only the conditions in use are written into the SQL.
func (r *TaskRepository) List(ctx context.Context, q tasks.ListQuery) (record.Page[*task.Task], error) {
	var where []string
	args := pgx.NamedArgs{}
	if q.Assignee != 0 {
		where = append(where, `assignee_id = @assignee`)
		args["assignee"] = q.Assignee
	}
	switch q.Status {
	case tasks.StatusOpen:
		where = append(where, `NOT done`)
	case tasks.StatusDone:
		where = append(where, `done`)
	}
	if q.Priority != "" {
		where = append(where, `priority = @priority`)
		args["priority"] = string(q.Priority)
	}
	if q.LinkKind != "" {
		where = append(where, `link_kind = @link_kind`)
		args["link_kind"] = q.LinkKind
	}
	if q.LinkID != 0 {
		where = append(where, `link_id = @link_id`)
		args["link_id"] = q.LinkID
	}
	if !q.DueFrom.IsZero() {
		where = append(where, `due >= @due_from`)
		args["due_from"] = q.DueFrom
	}
	if !q.DueBefore.IsZero() {
		where = append(where, `due < @due_before`)
		args["due_before"] = q.DueBefore
	}
	return r.page(ctx, where, args, q.Paging, pgx.QueryExecModeCacheStatement)
}

// completions are one page of the events that ticked done the live tasks
// about one record, as readHistory reads a source: $1 and $2 are the
// record's kind and id. A record has few tasks (tasks_link_idx), each a
// short history (activity_aggregate_idx).
const completions = `(SELECT a.* FROM activity a
WHERE a.aggregate_kind = 'task'
  AND a.aggregate_id IN (SELECT t.id FROM tasks t WHERE t.link_kind = $1 AND t.link_id = $2 AND t.deleted_at IS NULL)
  AND a.changes @> '[{"field": "` + task.FieldDone + `", "new": "` + task.DoneYes + `"}]'
  AND a.id < $3
ORDER BY a.id DESC LIMIT $4) AS events`

// Completions returns the page p asks for of the events that ticked done
// the live tasks about record l, newest first.
func (r *TaskRepository) Completions(ctx context.Context, l task.Link, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	page, err := readHistory(ctx, r.db, completions, l.Kind, l.ID, p)
	if err != nil {
		return page, fmt.Errorf("tasks done about %s %d: %w", l.Kind, l.ID, err)
	}
	return page, nil
}

// openTasks is the condition of tasks_open_*_idx: open and live.
const openTasks = `NOT done AND deleted_at IS NULL`

// Open returns rep assignee's open tasks by due time, those without one
// last, from tasks_open_assignee_due_idx.
func (r *TaskRepository) Open(ctx context.Context, assignee int64, limit int) ([]*task.Task, error) {
	out, err := r.all(ctx, `SELECT `+taskColumns+` FROM tasks WHERE assignee_id = $1 AND `+openTasks+`
ORDER BY due NULLS LAST, id LIMIT $2`, assignee, limit)
	if err != nil {
		return nil, failed("select open tasks", err)
	}
	return out, nil
}

// About returns the live tasks about record l, open first, each by due
// time, from tasks_link_idx.
func (r *TaskRepository) About(ctx context.Context, l task.Link) ([]*task.Task, error) {
	out, err := r.all(ctx, `SELECT `+taskColumns+` FROM tasks WHERE link_kind = $1 AND link_id = $2 AND deleted_at IS NULL
ORDER BY done, due NULLS LAST, id LIMIT $3`, l.Kind, l.ID, record.MaxPageSize)
	if err != nil {
		return nil, failed("select tasks of a record", err)
	}
	return out, nil
}

// DueBetween returns the open tasks due in [from, to), by due time, from
// tasks_open_due_idx.
func (r *TaskRepository) DueBetween(ctx context.Context, from, to time.Time) ([]*task.Task, error) {
	out, err := r.all(ctx, `SELECT `+taskColumns+` FROM tasks WHERE due >= $1 AND due < $2 AND `+openTasks+`
ORDER BY due, id`, from, to)
	if err != nil {
		return nil, failed("select tasks falling due", err)
	}
	return out, nil
}

// Overdue counts rep assignee's open tasks due before now: a range of
// tasks_open_assignee_due_idx.
func (r *TaskRepository) Overdue(ctx context.Context, assignee int64, now time.Time) (int, error) {
	var n int
	err := r.db.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE assignee_id = $1 AND due < $2 AND `+openTasks, assignee, now).Scan(&n)
	if err != nil {
		return 0, failed("count overdue tasks", err)
	}
	return n, nil
}

// OverdueByRep counts every rep's open tasks due before now.
func (r *TaskRepository) OverdueByRep(ctx context.Context, now time.Time) (map[int64]int, error) {
	rows, err := r.db.Query(ctx, `SELECT assignee_id, count(*) FROM tasks WHERE due < $1 AND `+openTasks+` GROUP BY assignee_id`, now)
	if err != nil {
		return nil, failed("count overdue tasks", err)
	}
	out := map[int64]int{}
	var (
		id int64
		n  int
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		out[id] = n
		return nil
	})
	if err != nil {
		return nil, failed("count overdue tasks", err)
	}
	return out, nil
}

// LinkNames names the records links point at, in one query by primary
// keys; a link to a record not found is Gone.
func (r *TaskRepository) LinkNames(ctx context.Context, links []task.Link) (map[task.Link]tasks.LinkName, error) {
	out := make(map[task.Link]tasks.LinkName, len(links))
	ids := map[string][]int64{}
	for _, l := range links {
		if !l.None() {
			ids[l.Kind] = append(ids[l.Kind], l.ID)
			out[l] = tasks.LinkName{Gone: true}
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	rows, err := r.db.Query(ctx, `
SELECT 'lead', id, name, deleted_at IS NOT NULL FROM leads WHERE id = ANY($1)
UNION ALL SELECT 'contact', id, name, deleted_at IS NOT NULL FROM contacts WHERE id = ANY($2)
UNION ALL SELECT 'deal', id, title, deleted_at IS NOT NULL FROM deals WHERE id = ANY($3)`,
		ids[task.LinkLead], ids[task.LinkContact], ids[task.LinkDeal])
	if err != nil {
		return nil, failed("select names of tasks' records", err)
	}
	var (
		l       task.Link
		name    string
		deleted bool
	)
	_, err = pgx.ForEachRow(rows, []any{&l.Kind, &l.ID, &name, &deleted}, func() error {
		out[l] = tasks.LinkName{Name: name, Deleted: deleted}
		return nil
	})
	if err != nil {
		return nil, failed("select names of tasks' records", err)
	}
	return out, nil
}
