package contacts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/contacts"
)

// memory is an in-memory Repository: every saved version of every contact.
type memory struct {
	versions  map[int64][]contact.Snapshot // id → versions, oldest first
	lastQuery contacts.ListQuery
	findCalls int
}

var _ contacts.Repository = (*memory)(nil)

func newMemory() *memory { return &memory{versions: map[int64][]contact.Snapshot{}} }

func (m *memory) Create(_ context.Context, c *contact.Contact) (*contact.Contact, error) {
	s := c.Snapshot()
	s.ID, s.Version = int64(len(m.versions)+1), 1
	m.versions[s.ID] = []contact.Snapshot{s}
	return contact.Rehydrate(s), nil
}

func (m *memory) Get(_ context.Context, id int64) (*contact.Contact, error) {
	vs, ok := m.versions[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return contact.Rehydrate(vs[len(vs)-1]), nil
}

func (m *memory) Version(_ context.Context, id, version int64) (*contact.Contact, error) {
	vs := m.versions[id]
	if version < 1 || version > int64(len(vs)) {
		return nil, domain.ErrNotFound
	}
	return contact.Rehydrate(vs[version-1]), nil
}

func (m *memory) Update(ctx context.Context, id, version int64, apply func(*contact.Contact) (bool, error)) (*contact.Contact, error) {
	c, err := m.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Version() != version {
		return nil, &domain.OptimisticLockError{Kind: contact.Kind, ID: id, Expected: version, Actual: c.Version()}
	}
	changed, err := apply(c)
	if err != nil || !changed {
		return contact.Rehydrate(m.versions[id][version-1]), err
	}
	s := c.Snapshot()
	s.Version++
	m.versions[id] = append(m.versions[id], s)
	return contact.Rehydrate(s), nil
}

func (m *memory) List(_ context.Context, q contacts.ListQuery) (contacts.Page, error) {
	m.lastQuery = q
	return contacts.Page{}, nil
}

func (m *memory) FindByEmail(context.Context, string) (*contact.Contact, error) {
	m.findCalls++
	return nil, domain.ErrNotFound
}

func (m *memory) History(context.Context, int64) ([]domain.RecordedEvent, error) { return nil, nil }

func ada() contact.Fields {
	return contact.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "555 0100", Company: "Analytical Engines"}
}

func TestService_Update_staleSaveExplainsTheConflictFieldByField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := contacts.NewService(newMemory())
	c, err := svc.Create(ctx, "ana", ada())
	require.NoError(t, err)
	theirs := ada()
	theirs.Phone, theirs.Company = "555 0199", "Babbage & Co"
	_, err = svc.Update(ctx, "bruno", c.ID(), 1, theirs)
	require.NoError(t, err)
	yours := ada()
	yours.Email, yours.Company = "ada@lovelace.org", "Difference Engines"

	_, err = svc.Update(ctx, "carla", c.ID(), 1, yours)

	var conflict *contacts.ConflictError
	require.ErrorAs(t, err, &conflict)
	lock, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "errors.As still finds the optimistic-lock error")
	assert.Equal(t, domain.OptimisticLockError{Kind: contact.Kind, ID: c.ID(), Expected: 1, Actual: 2}, *lock)
	assert.Equal(t, int64(2), conflict.Current.Version())
	assert.Equal(t, "bruno", conflict.Current.UpdatedBy())
	require.NotNil(t, conflict.Base)
	assert.Equal(t, ada(), conflict.Base.Fields())
	assert.Equal(t, yours, conflict.Yours)
	assert.Equal(t, []string{contact.FieldEmail}, conflict.Compare.Yours)
	assert.Equal(t, []string{contact.FieldPhone}, conflict.Compare.Theirs)
	assert.Equal(t, []string{contact.FieldCompany}, conflict.Compare.Conflicts)
	assert.Equal(t, contact.Fields{Name: "Ada Lovelace", Email: "ada@lovelace.org", Phone: "555 0199", Company: "Difference Engines"},
		conflict.Compare.Proposed, "their phone, your email, and your company where you both changed it")
}

func TestService_Update_fromAVersionNeverSavedComparesWithoutABase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := contacts.NewService(newMemory())
	c, err := svc.Create(ctx, "ana", ada())
	require.NoError(t, err)
	yours := ada()
	yours.Email = "ada@lovelace.org"

	_, err = svc.Update(ctx, "carla", c.ID(), 5, yours)

	var conflict *contacts.ConflictError
	require.ErrorAs(t, err, &conflict)
	assert.Nil(t, conflict.Base)
	assert.Equal(t, []string{contact.FieldEmail}, conflict.Compare.Conflicts)
}

func TestService_Update_otherErrorsAreNoConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := contacts.NewService(newMemory())
	c, err := svc.Create(ctx, "ana", ada())
	require.NoError(t, err)

	_, err = svc.Update(ctx, "bruno", c.ID(), 1, contact.Fields{})
	var invalid *domain.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "Name is required.", invalid.For(contact.FieldName))

	_, err = svc.Update(ctx, "bruno", 999, 1, ada())
	assert.ErrorIs(t, err, domain.ErrNotFound)
	var conflict *contacts.ConflictError
	assert.False(t, errors.As(err, &conflict))
}

func TestService_Update_withNoChangeKeepsTheVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := contacts.NewService(newMemory())
	c, err := svc.Create(ctx, "ana", ada())
	require.NoError(t, err)
	same := ada()
	same.Name = "  " + same.Name

	saved, err := svc.Update(ctx, "bruno", c.ID(), 1, same)

	require.NoError(t, err)
	assert.Equal(t, int64(1), saved.Version())
	assert.Equal(t, "ana", saved.UpdatedBy())
}

func TestService_FindByEmail_anEmptyEmailFindsNothingWithoutAsking(t *testing.T) {
	t.Parallel()
	repo := newMemory()
	svc := contacts.NewService(repo)

	for _, email := range []string{"", "   "} {
		_, err := svc.FindByEmail(context.Background(), email)
		assert.ErrorIs(t, err, domain.ErrNotFound)
	}
	assert.Zero(t, repo.findCalls)
}

func TestService_List_clampsThePageSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		limit, got int
	}{
		{"no limit is the default page", 0, contacts.DefaultPageSize},
		{"a negative limit is the default page", -5, contacts.DefaultPageSize},
		{"a limit in range is kept", 20, 20},
		{"a limit over the maximum is the maximum", 10_000, contacts.MaxPageSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := newMemory()
			_, err := contacts.NewService(repo).List(context.Background(), contacts.ListQuery{Limit: tt.limit})
			require.NoError(t, err)
			assert.Equal(t, tt.got, repo.lastQuery.Limit)
		})
	}
}
