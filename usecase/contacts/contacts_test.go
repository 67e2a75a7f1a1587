package contacts_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/infrastructure/memory"
	"crm/usecase/conflict"
	"crm/usecase/contacts"
	"crm/usecase/record"
)

// contactConflict is the conflict error of a contact write.
type contactConflict = conflict.Error[*contact.Contact, contact.Fields]

func ada() contact.Fields {
	return contact.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "555 0100", Company: "Analytical Engines"}
}

// seeded returns a service on an empty in-memory store and Ada's contact,
// created by ana at version 1.
func seeded(t *testing.T) (*contacts.Service, *contact.Contact) {
	t.Helper()
	svc := contacts.NewService(memory.New().Contacts)
	c, err := svc.Create(t.Context(), "ana", ada())
	require.NoError(t, err)
	require.Equal(t, int64(1), c.Version())
	return svc, c
}

func TestService_Create_storesTheContactAtVersionOne(t *testing.T) {
	t.Parallel()
	svc, c := seeded(t)

	stored, err := svc.Get(t.Context(), c.ID())

	require.NoError(t, err)
	assert.Equal(t, ada(), stored.Fields())
	assert.Equal(t, int64(1), stored.Version())
	assert.Equal(t, "ana", stored.UpdatedBy())
}

func TestService_Create_refusesAnInvalidContactWithoutStoring(t *testing.T) {
	t.Parallel()
	svc := contacts.NewService(memory.New().Contacts)

	_, err := svc.Create(t.Context(), "ana", contact.Fields{Email: "not an email"})

	var invalid *domain.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "Name is required.", invalid.For(contact.FieldName))
	assert.NotEmpty(t, invalid.For(contact.FieldEmail))
	p, err := svc.List(t.Context(), contacts.ListQuery{})
	require.NoError(t, err)
	assert.Empty(t, p.Items, "nothing stored")
}

func TestService_Update_staleSaveExplainsTheConflictFieldByField(t *testing.T) {
	t.Parallel()
	svc, c := seeded(t)
	theirs := ada()
	theirs.Phone, theirs.Company = "555 0199", "Babbage & Co"
	_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, c.ID(), 1), theirs)
	require.NoError(t, err)
	yours := ada()
	yours.Email, yours.Company = "ada@lovelace.org", "Difference Engines"

	_, err = svc.Update(t.Context(), "carla", asRead(t, svc, c.ID(), 1), yours)

	var cf *contactConflict
	require.ErrorAs(t, err, &cf)
	lock, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "errors.As still finds the optimistic-lock error")
	assert.Equal(t, domain.OptimisticLockError{Kind: contact.Kind, ID: c.ID(), Expected: 1, Actual: 2}, *lock)
	assert.Equal(t, int64(2), cf.Current.Version())
	assert.Equal(t, "bruno", cf.Current.UpdatedBy())
	require.True(t, cf.HasBase())
	require.NotNil(t, cf.Base)
	assert.Equal(t, ada(), cf.Base.Fields())
	require.NotNil(t, cf.Yours)
	assert.Equal(t, yours, *cf.Yours)
	assert.Empty(t, cf.Wanted, "a field save wants no state")
	assert.Equal(t, []string{contact.FieldEmail}, cf.Compare.Yours)
	assert.Equal(t, []string{contact.FieldPhone}, cf.Compare.Theirs)
	assert.Equal(t, []string{contact.FieldCompany}, cf.Compare.Conflicts)
	assert.Equal(t, contact.Fields{Name: "Ada Lovelace", Email: "ada@lovelace.org", Phone: "555 0199", Company: "Difference Engines"},
		cf.Compare.Proposed, "their phone, your email, and your company where you both changed it")

	stored, err := svc.Get(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, theirs, stored.Fields(), "nothing written")
}

func TestService_Update_fromAVersionNeverSavedComparesWithoutABase(t *testing.T) {
	t.Parallel()
	svc, c := seeded(t)
	yours := ada()
	yours.Email = "ada@lovelace.org"

	_, err := svc.Update(t.Context(), "carla", asRead(t, svc, c.ID(), 5), yours)

	var cf *contactConflict
	require.ErrorAs(t, err, &cf)
	assert.False(t, cf.HasBase())
	assert.Nil(t, cf.Base)
	assert.Equal(t, int64(1), cf.Current.Version())
	assert.Equal(t, []string{contact.FieldEmail}, cf.Compare.Conflicts, "without a base every difference is a conflict")
}

func TestService_Update_otherErrorsAreNoConflict(t *testing.T) {
	t.Parallel()
	svc, c := seeded(t)

	t.Run("an invalid contact is a validation error", func(t *testing.T) {
		t.Parallel()
		_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, c.ID(), 1), contact.Fields{})
		var invalid *domain.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, "Name is required.", invalid.For(contact.FieldName))
		var cf *contactConflict
		assert.False(t, errors.As(err, &cf))
	})
	t.Run("a missing contact is not found", func(t *testing.T) {
		t.Parallel()
		_, err := svc.Update(t.Context(), "bruno", asRead(t, svc, 999, 1), ada())
		assert.ErrorIs(t, err, domain.ErrNotFound)
		var nf *domain.NotFoundError
		require.ErrorAs(t, err, &nf)
		assert.Equal(t, &domain.NotFoundError{Kind: contact.Kind, ID: 999}, nf)
		var cf *contactConflict
		assert.False(t, errors.As(err, &cf))
		assert.False(t, domain.IsOptimisticLock(err))
	})
}

func TestService_Update_withNoChangeKeepsTheVersion(t *testing.T) {
	t.Parallel()
	svc, c := seeded(t)
	same := ada()
	same.Name = "  " + same.Name + " "

	saved, err := svc.Update(t.Context(), "bruno", asRead(t, svc, c.ID(), 1), same)

	require.NoError(t, err)
	assert.Equal(t, int64(1), saved.Version())
	assert.Equal(t, "ana", saved.UpdatedBy())
	page, err := svc.History(t.Context(), c.ID(), record.Paging{})
	require.NoError(t, err)
	h := page.Items
	require.Len(t, h, 1, "no event for a save that changed nothing")
	assert.Equal(t, contact.EventCreated, h[0].Name)
}

func TestService_Save_mergesAStaleSaveOfOtherFields(t *testing.T) {
	t.Parallel()
	svc, c := seeded(t)
	theirs := ada()
	theirs.Phone = "555 0199"
	_, err := svc.Save(t.Context(), "bruno", c.ID(), 1, theirs)
	require.NoError(t, err)
	yours := ada()
	yours.Company = "Difference Engines"

	saved, err := svc.Save(t.Context(), "carla", c.ID(), 1, yours)

	require.NoError(t, err)
	assert.Equal(t, &conflict.Merge{From: 1, Onto: 2, By: "bruno", Kept: []string{contact.FieldPhone}, Applied: []string{contact.FieldCompany}}, saved.Merge)
	assert.Equal(t, int64(3), saved.Record.Version())
	assert.Equal(t, contact.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "555 0199", Company: "Difference Engines"},
		saved.Record.Fields(), "both reps' changes kept")
}

func TestService_FindByEmail(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc := contacts.NewService(memory.New().Contacts)
	noEmail, err := svc.Create(ctx, "ana", contact.Fields{Name: "Nobody Known"})
	require.NoError(t, err)
	found, err := svc.Create(ctx, "ana", ada())
	require.NoError(t, err)
	_, err = svc.Create(ctx, "ana", contact.Fields{Name: "Augusta Ada King", Email: "ADA@example.com"})
	assert.True(t, contact.IsEmailTaken(err), "one contact per email, in any case: %v", err)
	require.Empty(t, noEmail.Fields().Email)

	t.Run("an empty email finds nothing, not even a contact stored without one", func(t *testing.T) {
		t.Parallel()
		for _, email := range []string{"", "   "} {
			c, err := svc.FindByEmail(ctx, email)
			assert.ErrorIs(t, err, domain.ErrNotFound, "email %q", email)
			assert.Nil(t, c)
		}
	})
	t.Run("an email finds the contact with it, ignoring case and spaces", func(t *testing.T) {
		t.Parallel()
		c, err := svc.FindByEmail(ctx, "  Ada@Example.com ")
		require.NoError(t, err)
		assert.Equal(t, found.ID(), c.ID())
	})
	t.Run("an unknown email is not found", func(t *testing.T) {
		t.Parallel()
		_, err := svc.FindByEmail(ctx, "grace@navy.mil")
		assert.ErrorIs(t, err, domain.ErrNotFound)
	})
}

func TestService_List_returnsNewestFirstWithAWorkingCursor(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc := contacts.NewService(memory.New().Contacts)
	var ids []int64
	for _, name := range []string{"Ada Lovelace", "Grace Hopper", "Alan Turing", "Ada Yonath"} {
		c, err := svc.Create(ctx, "ana", contact.Fields{Name: name})
		require.NoError(t, err)
		ids = append(ids, c.ID())
	}
	idsOf := func(p record.Page[*contact.Contact]) []int64 {
		out := []int64{}
		for _, c := range p.Items {
			out = append(out, c.ID())
		}
		return out
	}

	first, err := svc.List(ctx, contacts.ListQuery{Paging: record.Paging{Limit: 3}})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[3], ids[2], ids[1]}, idsOf(first), "newest first")
	assert.Equal(t, ids[1], first.Next, "the cursor is the last id shown")

	second, err := svc.List(ctx, contacts.ListQuery{Paging: record.Paging{After: first.Next, Limit: 3}})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[0]}, idsOf(second))
	assert.Zero(t, second.Next, "the last page has no next")

	all, err := svc.List(ctx, contacts.ListQuery{})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[3], ids[2], ids[1], ids[0]}, idsOf(all), "the default page holds them all")
	assert.Zero(t, all.Next)

	found, err := svc.List(ctx, contacts.ListQuery{Search: " ada "})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[3], ids[0]}, idsOf(found), "search filters the list")
}

// asRead is contact id as a caller that read it at version holds it, which is
// what the exact writes (Update, MoveAt) take: the record as it is now,
// stamped with version, so a stale read or one of a record purged since
// (an id never stored) can be written from.
func asRead(t *testing.T, svc *contacts.Service, id, version int64) *contact.Contact {
	t.Helper()
	var r *contact.Contact
	if now, err := svc.Get(t.Context(), id); err == nil {
		r = contact.Rehydrate(now.Snapshot())
		r.Stamp(now.Meta())
	} else {
		r = contact.Rehydrate(contact.Snapshot{Fields: ada()})
	}
	m := r.Meta()
	m.ID, m.Version = id, version
	r.Stamp(m)
	return r
}
