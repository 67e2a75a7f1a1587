package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain/task"
	"crm/infrastructure/postgres"
	"crm/usecase/leads"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

// demoTasks are the tasks each demo rep gets, due around the time of the
// seed so that /today has something in each group: three overdue, two due
// later today, two upcoming, and one done. %s is the lead's name.
var demoTasks = []struct {
	title    string
	due      time.Duration // from the seed's time; today's are clamped to its day
	today    bool
	priority task.Priority
	done     bool
}{
	{"Call %s back", -50 * time.Hour, false, task.PriorityHigh, false},
	{"Send %s the proposal", -26 * time.Hour, false, task.PriorityNormal, false},
	{"Confirm the demo date with %s", -3 * time.Hour, false, task.PriorityLow, false},
	{"Follow up with %s", 2 * time.Hour, true, task.PriorityHigh, false},
	{"Ask %s about the budget", 4 * time.Hour, true, task.PriorityNormal, false},
	{"Prepare the quote for %s", 3 * 24 * time.Hour, false, task.PriorityNormal, false},
	{"Send %s a case study", 7 * 24 * time.Hour, false, task.PriorityLow, false},
	{"Introduce %s to the product team", -48 * time.Hour, false, task.PriorityNormal, true},
}

// seedTasksLeads is how many of the newest leads the demo tasks are about:
// a page read by the primary key, as fast at a million leads as at 500.
const seedTasksLeads = 200

// seedTasks gives each demo rep who has no task yet the demoTasks, about
// the newest leads, through the task use cases so each has its history,
// and reports how many it added. A rerun adds none.
func seedTasks(ctx context.Context, pool *pgxpool.Pool, stdout io.Writer, now time.Time) error {
	users := postgres.NewUserRepository(pool)
	svc := tasks.NewService(postgres.NewTaskRepository(pool), users)
	page, err := leads.NewService(postgres.NewLeadRepository(pool)).List(ctx, leads.ListQuery{Paging: record.Paging{Limit: seedTasksLeads}})
	if err != nil {
		return fmt.Errorf("seed tasks: %w", err)
	}
	if len(page.Items) == 0 {
		return nil
	}
	endOfDay := tasks.StartOfDay(now, time.UTC).AddDate(0, 0, 1)
	added := 0
	for i, r := range demoReps {
		rep, _, err := users.ByEmail(ctx, r.email)
		if err != nil {
			return fmt.Errorf("seed tasks of %s: %w", r.email, err)
		}
		has, err := svc.List(ctx, tasks.ListQuery{Assignee: rep.ID, Paging: record.Paging{Limit: 1}})
		if err != nil {
			return fmt.Errorf("seed tasks: %w", err)
		}
		if len(has.Items) > 0 {
			continue
		}
		for j, d := range demoTasks {
			l := page.Items[(i*len(demoTasks)+j)%len(page.Items)]
			due := now.Add(d.due)
			if d.today && !due.Before(endOfDay) {
				due = now.Add(endOfDay.Sub(now) / 2) // still today (in UTC), still ahead
			}
			f := task.Fields{Title: fmt.Sprintf(d.title, l.Fields().Name), Due: due, Priority: d.priority}
			t, err := svc.Create(ctx, rep, f, task.Link{Kind: task.LinkLead, ID: l.ID()})
			if err != nil {
				return fmt.Errorf("seed task %q: %w", f.Title, err)
			}
			if d.done {
				if _, err := svc.Complete(ctx, rep.Name, t.ID(), t.Version()); err != nil {
					return fmt.Errorf("seed task %q: %w", f.Title, err)
				}
			}
			added++
		}
	}
	fmt.Fprintf(stdout, "Seeded %d new tasks for the demo reps.\n", added)
	return nil
}
