package tasks_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/domain/task"
	"crm/domain/user"
	"crm/infrastructure/memory"
	"crm/usecase/conflict"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

// setup returns a service on empty in-memory stores and two reps.
func setup(t *testing.T) (*tasks.Service, *memory.DB, user.User, user.User) {
	t.Helper()
	users := memory.NewUsers()
	maria, err := users.Create(t.Context(), user.User{Email: "maria@example.com", Name: "maria", Role: user.RoleRep}, "hash")
	require.NoError(t, err)
	john, err := users.Create(t.Context(), user.User{Email: "john@example.com", Name: "john", Role: user.RoleRep}, "hash")
	require.NoError(t, err)
	db := memory.New()
	return tasks.NewService(db.Tasks, users), db, maria, john
}

var due = time.Date(2026, 11, 10, 15, 0, 0, 0, time.UTC)

func TestService_Create(t *testing.T) {
	t.Parallel()
	t.Run("a task without an assignee is its creator's, named as the user is", func(t *testing.T) {
		t.Parallel()
		svc, _, maria, _ := setup(t)
		tk, err := svc.Create(t.Context(), maria, task.Fields{Title: "Call back", Due: due}, task.Link{})

		require.NoError(t, err)
		assert.Equal(t, task.Assignee{ID: maria.ID, Name: "maria"}, tk.Fields().Assignee)
		assert.Equal(t, int64(1), tk.Version())
	})
	t.Run("a task for a rep who does not exist is refused", func(t *testing.T) {
		t.Parallel()
		svc, _, maria, _ := setup(t)
		_, err := svc.Create(t.Context(), maria, task.Fields{Title: "Call back", Assignee: task.Assignee{ID: 99}}, task.Link{})

		var invalid *domain.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.NotEmpty(t, invalid.For(task.FieldAssignee))
	})
	t.Run("a task about a lead that does not exist, or is deleted, is refused", func(t *testing.T) {
		t.Parallel()
		svc, db, maria, _ := setup(t)
		l, err := db.Leads.Create(t.Context(), must(lead.New(lead.Fields{Name: "Ada"}, "maria"))(t))
		require.NoError(t, err)
		_, err = db.Leads.Update(t.Context(), l.ID(), 1, func(l *lead.Lead) (bool, error) { return true, l.Delete("maria") })
		require.NoError(t, err)

		for _, link := range []task.Link{{Kind: task.LinkLead, ID: 404}, {Kind: task.LinkLead, ID: l.ID()}} {
			_, err := svc.Create(t.Context(), maria, task.Fields{Title: "Call back"}, link)
			var invalid *domain.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.NotEmpty(t, invalid.For(task.FieldLink))
		}
	})
}

// must takes a value and an error, as a call returns them, and gives the
// value to a test after failing it on the error.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

func TestService_Complete(t *testing.T) {
	t.Parallel()
	t.Run("two reps completing one task at once both succeed, and the history shows one completion", func(t *testing.T) {
		t.Parallel()
		svc, _, maria, _ := setup(t)
		tk := must(svc.Create(t.Context(), maria, task.Fields{Title: "Call back", Due: due}, task.Link{}))(t)

		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, by := range []string{"maria", "john"} {
			wg.Go(func() { _, errs[i] = svc.Complete(t.Context(), by, tk.ID(), 1) })
		}
		wg.Wait()

		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		got := must(svc.Get(t.Context(), tk.ID()))(t)
		assert.True(t, got.Done())
		assert.Equal(t, int64(2), got.Version(), "one write")
		h := must(svc.History(t.Context(), tk.ID(), record.Paging{}))(t)
		var completions int
		for _, e := range h.Items {
			for _, c := range e.Changes {
				if c.Field == task.FieldDone && c.New == task.DoneYes {
					completions++
				}
			}
		}
		assert.Equal(t, 1, completions)
	})
	t.Run("a tick from an old version merges with an edit made since", func(t *testing.T) {
		t.Parallel()
		svc, _, maria, _ := setup(t)
		tk := must(svc.Create(t.Context(), maria, task.Fields{Title: "Call back", Due: due}, task.Link{}))(t)
		f := tk.Fields()
		f.Title = "Call back about pricing"
		_, err := svc.Save(t.Context(), "maria", tk.ID(), 1, f)
		require.NoError(t, err)

		res, err := svc.Complete(t.Context(), "john", tk.ID(), 1)

		require.NoError(t, err)
		require.NotNil(t, res.Merge)
		assert.Equal(t, []string{task.FieldDone}, res.Merge.Applied)
		assert.Equal(t, "Call back about pricing", res.Record.Fields().Title, "maria's edit kept")
		assert.True(t, res.Record.Done())
	})
	t.Run("an edit of one field by two reps is the side-by-side conflict", func(t *testing.T) {
		t.Parallel()
		svc, _, maria, _ := setup(t)
		tk := must(svc.Create(t.Context(), maria, task.Fields{Title: "Call back", Due: due}, task.Link{}))(t)
		theirs, yours := tk.Fields(), tk.Fields()
		theirs.Title, yours.Title = "Call Monday", "Call Tuesday"
		_, err := svc.Save(t.Context(), "maria", tk.ID(), 1, theirs)
		require.NoError(t, err)

		_, err = svc.Save(t.Context(), "john", tk.ID(), 1, yours)

		var c *conflict.Error[*task.Task, task.Fields]
		require.ErrorAs(t, err, &c)
		assert.Equal(t, []string{task.FieldTitle}, c.Compare.Conflicts)
	})
}

func TestService_Today(t *testing.T) {
	t.Parallel()
	svc, _, maria, john := setup(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	now := time.Date(2026, 11, 10, 20, 0, 0, 0, berlin)
	add := func(title string, due time.Time) *task.Task {
		return must(svc.Create(t.Context(), maria, task.Fields{Title: title, Due: due}, task.Link{}))(t)
	}
	late := add("Late", now.Add(-time.Hour))
	tonight := add("Tonight", time.Date(2026, 11, 10, 23, 30, 0, 0, berlin))
	tomorrow := add("Tomorrow", time.Date(2026, 11, 11, 0, 0, 0, 0, berlin))
	someday := add("Someday", time.Time{})
	must(svc.Create(t.Context(), john, task.Fields{Title: "John's", Due: now.Add(-time.Hour)}, task.Link{}))(t)

	day, err := svc.Today(t.Context(), maria.ID, now, berlin)

	require.NoError(t, err)
	ids := func(ts []*task.Task) []int64 {
		var out []int64
		for _, t := range ts {
			out = append(out, t.ID())
		}
		return out
	}
	assert.Equal(t, []int64{late.ID()}, ids(day.Overdue))
	assert.Equal(t, []int64{tonight.ID()}, ids(day.Today), "until midnight in the rep's zone, 23:00 UTC")
	assert.Equal(t, []int64{tomorrow.ID(), someday.ID()}, ids(day.Upcoming))
	n, err := svc.Overdue(t.Context(), maria.ID, now)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	dueSoon, err := svc.DueBetween(t.Context(), now, now.Add(5*time.Hour))
	require.NoError(t, err)
	require.Len(t, dueSoon, 2)
	assert.Equal(t, tasks.Due{Task: dueSoon[0].Task, Assignee: maria.ID}, dueSoon[0])
	assert.Equal(t, tonight.ID(), dueSoon[0].Task.ID())
}
