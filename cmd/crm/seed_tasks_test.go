package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/task"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

func TestSeedTasksGiveEachDemoRepADay(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	_, err := postgres.Seed(t.Context(), db.Pool, 30, nil)
	require.NoError(t, err)
	require.NoError(t, seedReps(t.Context(), newAuth(db.Pool), io.Discard))
	now := time.Date(2030, 3, 4, 12, 0, 0, 0, time.UTC)

	require.NoError(t, seedTasks(t.Context(), db.Pool, io.Discard, now))
	require.NoError(t, seedTasks(t.Context(), db.Pool, io.Discard, now), "a rerun adds nothing")

	users := postgres.NewUserRepository(db.Pool)
	svc := tasks.NewService(postgres.NewTaskRepository(db.Pool), users)
	for _, r := range demoReps {
		rep, _, err := users.ByEmail(t.Context(), r.email)
		require.NoError(t, err)
		day, err := svc.Today(t.Context(), rep.ID, now, time.UTC)
		require.NoError(t, err)
		assert.Len(t, day.Overdue, 3, r.email)
		assert.Len(t, day.Today, 2, r.email)
		assert.Len(t, day.Upcoming, 2, r.email)
		done, err := svc.List(t.Context(), tasks.ListQuery{Assignee: rep.ID, Status: tasks.StatusDone})
		require.NoError(t, err)
		require.Len(t, done.Items, 1, r.email)
		assert.Equal(t, int64(2), done.Items[0].Version(), "created, then completed")
		h, err := svc.History(t.Context(), done.Items[0].ID(), record.Paging{})
		require.NoError(t, err)
		assert.Len(t, h.Items, 2, "its history tells both")
		for _, ts := range [][]*task.Task{day.Overdue, day.Today, day.Upcoming} {
			for _, tk := range ts {
				assert.Equal(t, "lead", tk.Link().Kind, "each about a seeded lead")
			}
		}
	}
}
