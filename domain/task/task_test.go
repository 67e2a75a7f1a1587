package task_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/task"
)

var due = time.Date(2026, 11, 10, 9, 30, 0, 0, time.UTC)

func followUp() task.Fields {
	return task.Fields{Title: "Call back", Due: due, Assignee: task.Assignee{ID: 2, Name: "maria"}, Priority: task.PriorityHigh}
}

func TestNew(t *testing.T) {
	t.Parallel()
	t.Run("a new task records TaskCreated with each field set, as reps read it, and its link", func(t *testing.T) {
		t.Parallel()
		tk, err := task.New(followUp(), task.Link{Kind: task.LinkLead, ID: 42}, "john")

		require.NoError(t, err)
		assert.Equal(t, []domain.Event{{Name: task.EventCreated, Actor: "john", Changes: []domain.Change{
			{Field: task.FieldTitle, New: "Call back"},
			{Field: task.FieldDue, New: "2026-11-10T09:30Z"},
			{Field: task.FieldAssignee, New: "maria (#2)"},
			{Field: task.FieldPriority, Old: "normal", New: "high"},
		}, Refs: map[string]int64{"lead": 42}}}, tk.DomainEvents())
		assert.Equal(t, task.Link{Kind: "lead", ID: 42}, tk.Link())
		assert.False(t, tk.Done())
	})
	t.Run("a task may have no due time, no link and no priority given: normal", func(t *testing.T) {
		t.Parallel()
		tk, err := task.New(task.Fields{Title: " Send deck ", Assignee: task.Assignee{ID: 3, Name: "john"}}, task.Link{}, "john")

		require.NoError(t, err)
		assert.Equal(t, task.Fields{Title: "Send deck", Assignee: task.Assignee{ID: 3, Name: "john"}, Priority: task.PriorityNormal}, tk.Fields())
		assert.True(t, tk.Link().None())
		assert.Nil(t, tk.DomainEvents()[0].Refs)
	})
	t.Run("the due time is kept to the minute, in UTC", func(t *testing.T) {
		t.Parallel()
		f := followUp()
		f.Due = time.Date(2026, 11, 10, 10, 30, 59, 999, time.FixedZone("CET", 3600))
		tk, err := task.New(f, task.Link{}, "john")

		require.NoError(t, err)
		assert.Equal(t, due, tk.Fields().Due)
	})
	for _, tc := range []struct {
		name  string
		edit  func(*task.Fields, *task.Link)
		field string
	}{
		{"a task without a title is refused", func(f *task.Fields, _ *task.Link) { f.Title = " \u200b " }, task.FieldTitle},
		{"a title over 200 characters is refused", func(f *task.Fields, _ *task.Link) { f.Title = strings.Repeat("é", 201) }, task.FieldTitle},
		{"a task for nobody is refused", func(f *task.Fields, _ *task.Link) { f.Assignee = task.Assignee{} }, task.FieldAssignee},
		{"an unknown priority is refused", func(f *task.Fields, _ *task.Link) { f.Priority = "urgent" }, task.FieldPriority},
		{"a link to another kind is refused", func(_ *task.Fields, l *task.Link) { *l = task.Link{Kind: "view", ID: 1} }, task.FieldLink},
		{"a link without an id is refused", func(_ *task.Fields, l *task.Link) { *l = task.Link{Kind: "lead"} }, task.FieldLink},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, l := followUp(), task.Link{}
			tc.edit(&f, &l)
			_, err := task.New(f, l, "john")

			var invalid *domain.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.NotEmpty(t, invalid.For(tc.field))
		})
	}
}

func stored() *task.Task {
	return task.Rehydrate(task.Snapshot{ID: 7, Version: 3, Fields: followUp().Normalize(), UpdatedBy: "john"})
}

func TestTask_Edit(t *testing.T) {
	t.Parallel()
	t.Run("ticking a task done records done no → yes by whoever ticked it", func(t *testing.T) {
		t.Parallel()
		tk := stored()
		f := tk.Fields()
		f.Done = true

		changed, err := tk.Edit(f, "maria")

		require.NoError(t, err)
		assert.Equal(t, []string{task.FieldDone}, changed)
		assert.Equal(t, []domain.Event{{Name: task.EventUpdated, Actor: "maria", Changes: []domain.Change{
			{Field: task.FieldDone, Old: "no", New: "yes"}}}}, tk.DomainEvents())
		assert.True(t, tk.Done())
	})
	t.Run("ticking a task that is done already records nothing", func(t *testing.T) {
		t.Parallel()
		tk := stored()
		f := tk.Fields()
		f.Done = true
		_, err := tk.Edit(f, "maria")
		require.NoError(t, err)
		tk.ClearEvents()

		changed, err := tk.Edit(f, "john")

		require.NoError(t, err)
		assert.Empty(t, changed)
		assert.Empty(t, tk.DomainEvents())
	})
	t.Run("a deleted task takes no edit", func(t *testing.T) {
		t.Parallel()
		tk := stored()
		require.NoError(t, tk.Delete("john"))
		_, err := tk.Edit(followUp(), "maria")

		var deleted *domain.DeletedError
		assert.ErrorAs(t, err, &deleted)
	})
}

func TestTask_Overdue(t *testing.T) {
	t.Parallel()
	tk := stored()
	assert.True(t, tk.Overdue(due.Add(time.Minute)), "open and past its due time")
	assert.False(t, tk.Overdue(due), "due now is not overdue yet")
	done := tk.Fields()
	done.Done = true
	_, err := tk.Edit(done, "maria")
	require.NoError(t, err)
	assert.False(t, tk.Overdue(due.Add(time.Hour)), "a done task is never overdue")
}

func TestFields_text(t *testing.T) {
	t.Parallel()
	t.Run("each field reads as its input posts it", func(t *testing.T) {
		t.Parallel()
		f := followUp()
		assert.Equal(t, "2026-11-10T09:30Z", f.Get(task.FieldDue))
		assert.Equal(t, "no", f.Get(task.FieldDone))
		assert.Equal(t, "maria (#2)", f.Get(task.FieldAssignee))
		assert.Equal(t, "high", f.Get(task.FieldPriority))
		assert.Equal(t, "", task.Fields{}.Get(task.FieldDue), "no due time")
	})
	t.Run("the texts parse back", func(t *testing.T) {
		t.Parallel()
		d, err := task.ParseDue("2026-11-10T09:30Z")
		require.NoError(t, err)
		assert.Equal(t, due, d)
		a, err := task.ParseAssignee("maria (#2)")
		require.NoError(t, err)
		assert.Equal(t, int64(2), a.ID)
		a, err = task.ParseAssignee("3")
		require.NoError(t, err)
		assert.Equal(t, int64(3), a.ID)
		done, err := task.ParseDone("yes")
		require.NoError(t, err)
		assert.True(t, done)
	})
	for _, bad := range []struct{ field, text string }{
		{task.FieldDue, "tomorrow"}, {task.FieldAssignee, "maria"}, {task.FieldAssignee, "(#0)"},
		{task.FieldDone, "true"}, {task.FieldPriority, "urgent"},
	} {
		t.Run("refuses "+bad.field+" "+bad.text, func(t *testing.T) {
			t.Parallel()
			var err error
			switch bad.field {
			case task.FieldDue:
				_, err = task.ParseDue(bad.text)
			case task.FieldAssignee:
				_, err = task.ParseAssignee(bad.text)
			case task.FieldDone:
				_, err = task.ParseDone(bad.text)
			default:
				_, err = task.ParsePriority(bad.text)
			}
			var invalid *domain.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.NotEmpty(t, invalid.For(bad.field))
		})
	}
}

func TestCompare_twoRepsTickingOneTaskIsNoConflict(t *testing.T) {
	t.Parallel()
	base := followUp().Normalize()
	theirs, yours := base, base
	theirs.Done, yours.Done = true, true

	w := domain.CompareThreeWay(task.EditableFields, &base, theirs, yours)

	assert.False(t, w.HasConflicts())
	assert.Equal(t, []string{task.FieldDone}, w.Theirs, "their tick stands")
	assert.Empty(t, w.Yours, "nothing of yours left to save")
	assert.Equal(t, theirs, w.Proposed)
}
