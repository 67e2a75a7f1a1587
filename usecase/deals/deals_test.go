package deals_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
	"crm/usecase/deals"
)

// memory is an in-memory Repository: every saved version of every deal.
type memory struct {
	versions  map[int64][]deal.Snapshot // id → versions, oldest first
	lastQuery deals.ListQuery
	creates   int
}

var _ deals.Repository = (*memory)(nil)

func newMemory() *memory { return &memory{versions: map[int64][]deal.Snapshot{}} }

func (m *memory) Create(_ context.Context, d *deal.Deal) (*deal.Deal, error) {
	m.creates++
	s := d.Snapshot()
	s.ID, s.Version = int64(len(m.versions)+1), 1
	m.versions[s.ID] = []deal.Snapshot{s}
	return deal.Rehydrate(s), nil
}

func (m *memory) Get(_ context.Context, id int64) (*deal.Deal, error) {
	vs, ok := m.versions[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return deal.Rehydrate(vs[len(vs)-1]), nil
}

func (m *memory) Version(_ context.Context, id, version int64) (*deal.Deal, error) {
	vs := m.versions[id]
	if version < 1 || version > int64(len(vs)) {
		return nil, domain.ErrNotFound
	}
	return deal.Rehydrate(vs[version-1]), nil
}

func (m *memory) Update(ctx context.Context, id, version int64, apply func(*deal.Deal) (bool, error)) (*deal.Deal, error) {
	d, err := m.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Version() != version {
		return nil, &domain.OptimisticLockError{Kind: deal.Kind, ID: id, Expected: version, Actual: d.Version()}
	}
	changed, err := apply(d)
	if err != nil || !changed {
		return deal.Rehydrate(m.versions[id][version-1]), err
	}
	s := d.Snapshot()
	s.Version++
	m.versions[id] = append(m.versions[id], s)
	return deal.Rehydrate(s), nil
}

func (m *memory) List(_ context.Context, q deals.ListQuery) (deals.Page, error) {
	m.lastQuery = q
	return deals.Page{}, nil
}

func (m *memory) ListByContact(context.Context, int64) ([]*deal.Deal, error) { return nil, nil }

func (m *memory) History(context.Context, int64) ([]domain.RecordedEvent, error) { return nil, nil }

func engines() deal.Fields {
	return deal.Fields{Title: "Analytical Engine", Amount: deal.Money{Minor: 125000, Currency: "EUR"}}
}

func seeded(t *testing.T) (*deals.Service, *memory, int64) {
	t.Helper()
	m := newMemory()
	svc := deals.NewService(m)
	d, err := svc.Create(t.Context(), "ana", 7, engines())
	require.NoError(t, err)
	return svc, m, d.ID()
}

func TestService_CreateRefusesAnInvalidDealWithoutStoring(t *testing.T) {
	t.Parallel()
	m := newMemory()

	_, err := deals.NewService(m).Create(t.Context(), "ana", 0, deal.Fields{Amount: engines().Amount})

	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "Title is required.", v.For(deal.FieldTitle))
	assert.Equal(t, "Choose the contact the deal is with.", v.For(deal.FieldContact))
	assert.Zero(t, m.creates)
}

func TestService_UpdateFromAStaleVersionExplainsTheConflict(t *testing.T) {
	t.Parallel()
	svc, _, id := seeded(t)
	theirs := engines()
	theirs.Amount.Minor = 99900
	_, err := svc.Update(t.Context(), "bruno", id, 1, theirs)
	require.NoError(t, err)

	yours := engines()
	yours.Title = "  Two engines "
	yours.Amount.Minor = 250000
	_, err = svc.Update(t.Context(), "carla", id, 1, yours)

	var c *deals.ConflictError
	require.ErrorAs(t, err, &c)
	assert.Equal(t, domain.OptimisticLockError{Kind: deal.Kind, ID: id, Expected: 1, Actual: 2}, *c.Lock)
	assert.Equal(t, int64(2), c.Current.Version())
	require.NotNil(t, c.Base)
	assert.Equal(t, int64(1), c.Base.Version())
	require.NotNil(t, c.Yours)
	assert.Equal(t, "Two engines", c.Yours.Title, "what the rep typed, normalized")
	assert.Equal(t, []string{deal.FieldAmount}, c.Compare.Conflicts)
	assert.Equal(t, []string{deal.FieldTitle}, c.Compare.Yours)
	assert.Empty(t, c.WantedStage)
	assert.True(t, domain.IsOptimisticLock(err), "errors.As still finds the lock")
}

func TestService_ChangeStageFromAStaleVersionSaysWhereItWanted(t *testing.T) {
	t.Parallel()
	svc, _, id := seeded(t)
	_, err := svc.ChangeStage(t.Context(), "bruno", id, 1, deal.StageLost)
	require.NoError(t, err)

	_, err = svc.ChangeStage(t.Context(), "carla", id, 1, deal.StageWon)

	var c *deals.ConflictError
	require.ErrorAs(t, err, &c)
	assert.Equal(t, deal.StageWon, c.WantedStage)
	assert.Equal(t, deal.StageLost, c.Current.Stage())
	assert.Equal(t, deal.StageOpen, c.Base.Stage())
	assert.Nil(t, c.Yours)
}

func TestService_RuleAndNotFoundErrorsPassThrough(t *testing.T) {
	t.Parallel()
	svc, _, id := seeded(t)
	_, err := svc.ChangeStage(t.Context(), "bruno", id, 1, deal.StageWon)
	require.NoError(t, err)

	_, err = svc.ChangeStage(t.Context(), "bruno", id, 2, deal.StageOpen)
	var rule *domain.RuleError
	require.ErrorAs(t, err, &rule)
	assert.Equal(t, "Cannot move from WON to OPEN. A won deal stays won.", rule.Message)
	assert.False(t, domain.IsOptimisticLock(err))

	_, err = svc.Update(t.Context(), "bruno", 999, 1, engines())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	var c *deals.ConflictError
	assert.False(t, errors.As(err, &c))
}

func TestService_UnchangedSaveKeepsTheVersion(t *testing.T) {
	t.Parallel()
	svc, _, id := seeded(t)

	d, err := svc.Update(t.Context(), "bruno", id, 1, engines())

	require.NoError(t, err)
	assert.Equal(t, int64(1), d.Version())
	assert.Equal(t, "ana", d.UpdatedBy())
}

func TestService_ListClampsThePageSize(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ asked, want int }{{0, deals.DefaultPageSize}, {-3, deals.DefaultPageSize}, {10, 10}, {10_000, deals.MaxPageSize}} {
		m := newMemory()
		_, err := deals.NewService(m).List(t.Context(), deals.ListQuery{Stage: deal.StageWon, Limit: tt.asked})
		require.NoError(t, err)
		assert.Equal(t, deals.ListQuery{Stage: deal.StageWon, Limit: tt.want}, m.lastQuery, "asked %d", tt.asked)
	}
}
