package admin_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/user"
	"crm/usecase/admin"
	"crm/usecase/trash"
)

// brokenLog is an audit log whose database went away.
type brokenLog struct{ err error }

func (l brokenLog) Record(context.Context, admin.Entry) error { return l.err }
func (l brokenLog) List(context.Context, int64, int) ([]admin.Entry, error) {
	return nil, l.err
}

// purger purges n, or fails with err.
type purger struct {
	n   trash.Purged
	err error
}

func (p purger) Purge(context.Context, time.Time) (trash.Purged, error) { return p.n, p.err }

var root = user.User{ID: 1, Email: "root@example.com", Name: "root", Role: user.RoleAdmin}

func TestAnActionDoneWhoseAuditEntryFailedIsNotToldNothingWasSaved(t *testing.T) {
	outage := fmt.Errorf("record audit entry: %w", domain.ErrUnavailable)
	svc := admin.NewService(nil, brokenLog{outage}, purger{n: trash.Purged{Leads: 3}})

	n, err := svc.Purge(t.Context(), root, 24*time.Hour)

	require.ErrorIs(t, err, domain.ErrCommitUnknown, "the purge happened: the admin must reload, not purge again")
	assert.ErrorIs(t, err, outage)
	assert.Equal(t, int64(3), n.Leads)
}

func TestAnActionThatFailedWithItsAuditEntrySavedNothing(t *testing.T) {
	outage := fmt.Errorf("purge: %w", domain.ErrUnavailable)
	svc := admin.NewService(nil, brokenLog{outage}, purger{err: outage})

	_, err := svc.Purge(t.Context(), root, 24*time.Hour)

	require.ErrorIs(t, err, domain.ErrUnavailable)
	assert.NotErrorIs(t, err, domain.ErrCommitUnknown, "neither the purge nor its entry was stored")
}

func TestARefusalWhoseAuditEntryFailedSavedNothing(t *testing.T) {
	outage := fmt.Errorf("record audit entry: %w", domain.ErrUnavailable)
	svc := admin.NewService(nil, brokenLog{outage}, purger{})
	rep := user.User{ID: 2, Email: "rep@example.com", Name: "rep", Role: user.RoleRep}

	_, err := svc.Purge(t.Context(), rep, 24*time.Hour)

	var refused *domain.ForbiddenError
	require.True(t, errors.As(err, &refused), "still refused: %v", err)
	assert.NotErrorIs(t, err, domain.ErrCommitUnknown)
}
