package contract_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/domain/task"
	"crm/domain/user"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

// noon is the time the task cases are read at.
var noon = time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)

// addTask stores a task for rep, due at due (zero for none), about link.
func addTask(t *testing.T, b backend, rep user.User, title string, due time.Time, link task.Link) *task.Task {
	t.Helper()
	tk := must(task.New(task.Fields{Title: title, Due: due, Assignee: task.Assignee{ID: rep.ID, Name: rep.Name}}, link, rep.Name))(t)
	return must(b.tasks.Create(t.Context(), tk))(t)
}

// complete ticks tk done as stored at version.
func complete(t *testing.T, b backend, tk *task.Task, version int64, by string) (*task.Task, error) {
	t.Helper()
	return b.tasks.Update(t.Context(), tk.ID(), version, func(tk *task.Task) (bool, error) {
		f := tk.Fields()
		f.Done = true
		changed, err := tk.Edit(f, by)
		return len(changed) > 0, err
	})
}

func TestTaskRepositories(t *testing.T) {
	t.Parallel()
	t.Run("a rep's open tasks by due time, those without one last; the overdue counted per rep", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria, john := b.rep(t, "maria"), b.rep(t, "john")
			later := addTask(t, b, maria, "Later", noon.Add(48*time.Hour), task.Link{})
			never := addTask(t, b, maria, "Someday", time.Time{}, task.Link{})
			late := addTask(t, b, maria, "Late", noon.Add(-time.Hour), task.Link{})
			soon := addTask(t, b, maria, "Soon", noon.Add(time.Hour), task.Link{})
			done := addTask(t, b, maria, "Done", noon.Add(-2*time.Hour), task.Link{})
			_, err := complete(t, b, done, 1, "maria")
			require.NoError(t, err)
			johns := addTask(t, b, john, "John's", noon.Add(-time.Minute), task.Link{})

			assert.Equal(t, []int64{late.ID(), soon.ID(), later.ID(), never.ID()}, ids(must(b.tasks.Open(t.Context(), maria.ID, 10))(t)))
			assert.Equal(t, []int64{late.ID(), soon.ID()}, ids(must(b.tasks.Open(t.Context(), maria.ID, 2))(t)), "at most limit")
			assert.Equal(t, 1, must(b.tasks.Overdue(t.Context(), maria.ID, noon))(t), "a done task is not overdue")
			assert.Equal(t, map[int64]int{maria.ID: 1, john.ID: 1}, must(b.tasks.OverdueByRep(t.Context(), noon))(t))
			assert.Equal(t, 2, must(b.tasks.Overdue(t.Context(), maria.ID, noon.Add(2*time.Hour)))(t))

			due := must(b.tasks.DueBetween(t.Context(), noon.Add(-time.Hour), noon.Add(time.Hour)))(t)
			assert.Equal(t, []int64{late.ID(), johns.ID()}, ids(due), "[from, to): open tasks of every rep by due time")
		})
	})
	t.Run("the list filters by rep, status, due, priority and kind of record, newest first, paged", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria, john := b.rep(t, "maria"), b.rep(t, "john")
			l := must(b.leads.Create(t.Context(), must(lead.New(lead.Fields{Name: "Ada"}, "maria"))(t)))(t)
			aboutLead := addTask(t, b, maria, "About Ada", noon.Add(time.Hour), task.Link{Kind: task.LinkLead, ID: l.ID()})
			late := addTask(t, b, maria, "Late", noon.Add(-time.Hour), task.Link{})
			johns := addTask(t, b, john, "John's", time.Time{}, task.Link{})
			_, err := complete(t, b, johns, 1, "john")
			require.NoError(t, err)
			list := func(q tasks.ListQuery) []int64 { return ids(must(b.tasks.List(t.Context(), q))(t).Items) }

			assert.Equal(t, []int64{johns.ID(), late.ID(), aboutLead.ID()}, list(tasks.ListQuery{}))
			assert.Equal(t, []int64{late.ID(), aboutLead.ID()}, list(tasks.ListQuery{Assignee: maria.ID}))
			assert.Equal(t, []int64{johns.ID()}, list(tasks.ListQuery{Status: tasks.StatusDone}))
			assert.Equal(t, []int64{late.ID(), aboutLead.ID()}, list(tasks.ListQuery{Status: tasks.StatusOpen}))
			assert.Equal(t, []int64{late.ID()}, list(tasks.ListQuery{DueBefore: noon}))
			assert.Equal(t, []int64{aboutLead.ID()}, list(tasks.ListQuery{DueFrom: noon, DueBefore: noon.Add(24 * time.Hour)}))
			assert.Equal(t, []int64{aboutLead.ID()}, list(tasks.ListQuery{LinkKind: task.LinkLead}))
			assert.Equal(t, []int64{aboutLead.ID()}, list(tasks.ListQuery{LinkKind: task.LinkLead, LinkID: l.ID()}))
			assert.Empty(t, list(tasks.ListQuery{LinkKind: task.LinkLead, LinkID: l.ID() + 1}))
			assert.Empty(t, list(tasks.ListQuery{Priority: task.PriorityHigh}))
			assert.Len(t, list(tasks.ListQuery{Priority: task.PriorityNormal}), 3)
			first := must(b.tasks.List(t.Context(), tasks.ListQuery{Paging: record.Paging{Limit: 2}}))(t)
			assert.Equal(t, late.ID(), first.Next)
			assert.Equal(t, []int64{aboutLead.ID()}, list(tasks.ListQuery{Paging: record.Paging{Limit: 2, After: first.Next}}))
		})
	})
	t.Run("a record's tasks, open first; its name, and a deleted or missing record said so", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria := b.rep(t, "maria")
			l := must(b.leads.Create(t.Context(), must(lead.New(lead.Fields{Name: "Ada"}, "maria"))(t)))(t)
			link := task.Link{Kind: task.LinkLead, ID: l.ID()}
			closed := addTask(t, b, maria, "Closed", noon, link)
			_, err := complete(t, b, closed, 1, "maria")
			require.NoError(t, err)
			open := addTask(t, b, maria, "Open", noon.Add(time.Hour), link)
			addTask(t, b, maria, "Elsewhere", noon, task.Link{})

			assert.Equal(t, []int64{open.ID(), closed.ID()}, ids(must(b.tasks.About(t.Context(), link))(t)))

			gone := task.Link{Kind: task.LinkContact, ID: 999_999}
			names := must(b.tasks.LinkNames(t.Context(), []task.Link{link, gone, {}}))(t)
			assert.Equal(t, map[task.Link]tasks.LinkName{link: {Name: "Ada"}, gone: {Gone: true}}, names)

			_, err = b.leads.Update(t.Context(), l.ID(), 1, func(l *lead.Lead) (bool, error) { return true, l.Delete("maria") })
			require.NoError(t, err)
			assert.Equal(t, tasks.LinkName{Name: "Ada", Deleted: true}, must(b.tasks.LinkNames(t.Context(), []task.Link{link}))(t)[link],
				"the task keeps pointing at a deleted lead")
			assert.Len(t, must(b.tasks.About(t.Context(), link))(t), 2)
		})
	})
	t.Run("a record's tasks ticked done, newest first, paged by event; reopened and ticked again is twice; a deleted task's are gone", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria := b.rep(t, "maria")
			l := must(b.leads.Create(t.Context(), must(lead.New(lead.Fields{Name: "Ada"}, "maria"))(t)))(t)
			link := task.Link{Kind: task.LinkLead, ID: l.ID()}
			first := addTask(t, b, maria, "First", noon, link)
			second := addTask(t, b, maria, "Second", noon, link)
			open := addTask(t, b, maria, "Open", noon, link)
			elsewhere := addTask(t, b, maria, "Elsewhere", noon, task.Link{})
			for _, tk := range []*task.Task{first, second, elsewhere} {
				_, err := complete(t, b, tk, 1, "maria")
				require.NoError(t, err)
			}
			_, err := b.tasks.Update(t.Context(), first.ID(), 2, func(tk *task.Task) (bool, error) {
				f := tk.Fields()
				f.Done = false
				changed, err := tk.Edit(f, "john")
				return len(changed) > 0, err
			})
			require.NoError(t, err)
			_, err = complete(t, b, first, 3, "john")
			require.NoError(t, err)
			_, err = b.tasks.Update(t.Context(), open.ID(), 1, func(tk *task.Task) (bool, error) {
				f := tk.Fields()
				f.Title = "Still open"
				changed, err := tk.Edit(f, "maria")
				return len(changed) > 0, err
			})
			require.NoError(t, err)

			done := must(b.tasks.Completions(t.Context(), link, record.Paging{}))(t)
			var got []string
			for _, ev := range done.Items {
				got = append(got, fmt.Sprintf("%d v%d %s", ev.AggregateID, ev.Version, ev.Actor))
			}
			assert.Equal(t, []string{fmt.Sprintf("%d v4 john", first.ID()), fmt.Sprintf("%d v2 maria", second.ID()),
				fmt.Sprintf("%d v2 maria", first.ID())}, got)

			older := must(b.tasks.Completions(t.Context(), link, record.Paging{Limit: 1}))(t)
			require.Len(t, older.Items, 1)
			rest := must(b.tasks.Completions(t.Context(), link, record.Paging{After: older.Next, Limit: 5}))(t)
			assert.Len(t, rest.Items, 2, "the next page goes on below the first's last event")

			_, err = b.tasks.Update(t.Context(), second.ID(), 2, func(tk *task.Task) (bool, error) { return true, tk.Delete("maria") })
			require.NoError(t, err)
			assert.Len(t, must(b.tasks.Completions(t.Context(), link, record.Paging{}))(t).Items, 2, "a task in the Trash leaves the timeline")
		})
	})
	t.Run("two reps ticking one task at once: one write, the other finds it moved on", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			maria := b.rep(t, "maria")
			tk := addTask(t, b, maria, "Call back", noon, task.Link{})
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, by := range []string{"maria", "john"} {
				wg.Go(func() { _, errs[i] = complete(t, b, tk, 1, by) })
			}
			wg.Wait()

			var won int
			for _, err := range errs {
				if err == nil {
					won++
				}
			}
			assert.Equal(t, 1, won, "one compare-and-swap wins: %v", errs)
			got := must(b.tasks.Get(t.Context(), tk.ID()))(t)
			assert.Equal(t, int64(2), got.Version())
			assert.True(t, got.Done())
			_, err := complete(t, b, got, 2, "john")
			require.NoError(t, err)
			assert.Equal(t, int64(2), must(b.tasks.Get(t.Context(), tk.ID()))(t).Version(), "ticking a done task writes nothing")
		})
	})
}
