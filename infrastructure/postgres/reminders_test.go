package postgres_test

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/task"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// remind words a reminder as the tests read it.
func remind(t *task.Task, overdue int) domain.RepNotice {
	return domain.RepNotice{To: t.Fields().Assignee.ID, Message: "Due: " + t.Fields().Title, Overdue: overdue}
}

func TestReminders_eachTaskFallingDueIsAnnouncedOnceToItsRep(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var maria int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO users (email, name, password_hash) VALUES ('maria@example.com', 'maria', 'x') RETURNING id`).Scan(&maria))
	repo := postgres.NewTaskRepository(db.Pool)
	noon := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	add := func(title string, due time.Time) *task.Task {
		tk, err := task.New(task.Fields{Title: title, Due: due, Assignee: task.Assignee{ID: maria, Name: "maria"}, Priority: task.PriorityNormal}, task.Link{}, "maria")
		require.NoError(t, err)
		tk, err = repo.Create(t.Context(), tk)
		require.NoError(t, err)
		return tk
	}
	add("Overdue long ago", noon.Add(-24*time.Hour))
	add("Call Ada back", noon.Add(time.Minute))
	feed := runFeedWith(t, db.Pool, 2, func(*postgres.Feed) {})
	notices, stop, err := feed.SubscribeRep(maria)
	require.NoError(t, err)
	defer stop()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reminders := postgres.NewReminders(db.Pool, remind, log)

	sent, err := reminders.Tick(t.Context(), noon)
	require.NoError(t, err)
	assert.Zero(t, sent, "the first tick marks where reminders start: what was overdue before is the nav's count, not news")

	sent, err = reminders.Tick(t.Context(), noon.Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 1, sent)
	assert.Equal(t, domain.RepNotice{To: maria, Message: "Due: Call Ada back", Overdue: 2}, receiveRep(t, notices),
		"to its rep, with their overdue count")

	sent, err = reminders.Tick(t.Context(), noon.Add(3*time.Minute))
	require.NoError(t, err)
	assert.Zero(t, sent, "announced once")

	// Instances ticking at once: one sends, the others skip or find it sent.
	add("Send the offer", noon.Add(4*time.Minute))
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range counts {
		other := postgres.NewReminders(db.Pool, remind, log)
		wg.Go(func() {
			n, err := other.Tick(t.Context(), noon.Add(5*time.Minute))
			assert.NoError(t, err)
			counts[i] = n
		})
	}
	wg.Wait()
	assert.Equal(t, 1, counts[0]+counts[1]+counts[2]+counts[3], "one reminder whatever the number of instances: %v", counts)
	assert.Equal(t, "Due: Send the offer", receiveRep(t, notices).Message)
	select {
	case n := <-notices:
		t.Fatalf("a second notice: %+v", n)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestReminders_aTaskThatFellDueWhileNothingRanIsNotAnnouncedHoursLater(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var maria int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO users (email, name, password_hash) VALUES ('maria@example.com', 'maria', 'x') RETURNING id`).Scan(&maria))
	noon := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	tk, err := task.New(task.Fields{Title: "Old news", Due: noon.Add(time.Minute), Assignee: task.Assignee{ID: maria, Name: "maria"}, Priority: task.PriorityNormal}, task.Link{}, "maria")
	require.NoError(t, err)
	_, err = postgres.NewTaskRepository(db.Pool).Create(t.Context(), tk)
	require.NoError(t, err)
	reminders := postgres.NewReminders(db.Pool, remind, slog.New(slog.NewTextHandler(io.Discard, nil)))
	_, err = reminders.Tick(t.Context(), noon)
	require.NoError(t, err)

	sent, err := reminders.Tick(t.Context(), noon.Add(postgres.ReminderWindow+2*time.Minute))

	require.NoError(t, err)
	assert.Zero(t, sent)
}
