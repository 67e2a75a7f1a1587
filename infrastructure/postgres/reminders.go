package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/task"
)

// remindersLock is the advisory lock one instance holds while it sends
// the reminders of a tick; the others skip that tick.
const remindersLock = 7_140_001

// ReminderWindow bounds how late a reminder still goes out: a task that
// fell due while no instance ran (a long outage) is not announced hours
// later; the nav's overdue count still shows it.
const ReminderWindow = time.Hour

// Reminders sends each rep a notice, on whatever page they have open
// (RepChannel), when one of their open tasks falls due. Every instance may
// run it: the lock and the mark in task_reminders make each task due
// announced once, by whichever instance's tick passes its due time first.
type Reminders struct {
	pool *pgxpool.Pool
	word func(t *task.Task, overdue int) domain.RepNotice
	log  *slog.Logger
}

// NewReminders returns the Reminders of the tasks in pool, each notice
// worded by word from the task and its rep's overdue count.
func NewReminders(pool *pgxpool.Pool, word func(t *task.Task, overdue int) domain.RepNotice, log *slog.Logger) *Reminders {
	return &Reminders{pool: pool, word: word, log: log}
}

// Run ticks every interval until ctx is cancelled.
func (r *Reminders) Run(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if _, err := r.Tick(ctx, now); err != nil && ctx.Err() == nil {
				r.log.Warn("could not send the task reminders; the next tick tries again", "err", err)
			}
		}
	}
}

// Tick announces the open tasks that fell due since the last tick, up to
// now, and returns how many. The first tick ever only sets the mark: the
// tasks overdue before it are the nav's count, not news. A tick another
// instance is making sends nothing.
func (r *Reminders) Tick(ctx context.Context, now time.Time) (int, error) {
	sent := 0
	err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		var mine bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, remindersLock).Scan(&mine); err != nil || !mine {
			return err
		}
		var until time.Time
		err := tx.QueryRow(ctx, `SELECT reminded_until FROM task_reminders`).Scan(&until)
		if errors.Is(err, pgx.ErrNoRows) {
			_, err = tx.Exec(ctx, `INSERT INTO task_reminders (reminded_until) VALUES ($1)`, now)
			return err
		}
		if err != nil || !until.Before(now) {
			return err
		}
		repo := &TaskRepository{tasksTable.on(tx)}
		due, err := repo.DueBetween(ctx, later(until, now.Add(-ReminderWindow)), now)
		if err != nil {
			return err
		}
		overdue := map[int64]int{}
		if len(due) > 0 {
			if overdue, err = repo.OverdueByRep(ctx, now); err != nil {
				return err
			}
		}
		payloads := make([]string, len(due))
		for i, t := range due {
			n := r.word(t, overdue[t.Fields().Assignee.ID])
			b, err := json.Marshal(n)
			if err != nil {
				return fmt.Errorf("reminder of task %d: %w", t.ID(), err)
			}
			payloads[i] = string(b)
		}
		// NOTIFY is sent when the transaction commits, with the mark.
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p`, RepChannel, payloads); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE task_reminders SET reminded_until = $1`, now); err != nil {
			return err
		}
		sent = len(due)
		return nil
	})
	if err != nil {
		return 0, failed("send task reminders", err)
	}
	return sent, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
