package contact_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
)

func stored(f contact.Fields) *contact.Contact {
	return contact.Rehydrate(contact.Snapshot{ID: 7, Version: 3, Fields: f, UpdatedBy: "carol"})
}

func TestNew(t *testing.T) {
	t.Parallel()
	t.Run("a new contact has no id or version until it is stored", func(t *testing.T) {
		t.Parallel()
		c, err := contact.New(validFields(), "ana")

		require.NoError(t, err)
		assert.Zero(t, c.ID())
		assert.Zero(t, c.Version())
		assert.Equal(t, "ana", c.UpdatedBy())
		assert.Equal(t, validFields(), c.Fields())
	})
	t.Run("a new contact records ContactCreated with every filled field from empty", func(t *testing.T) {
		t.Parallel()
		f := validFields()
		f.Phone = ""

		c, err := contact.New(f, "ana")

		require.NoError(t, err)
		assert.Equal(t, []domain.Event{{Name: contact.EventCreated, Actor: "ana", Changes: []domain.Change{
			{Field: contact.FieldName, Old: "", New: "Ada Lovelace"},
			{Field: contact.FieldEmail, Old: "", New: "ada@example.com"},
			{Field: contact.FieldCompany, Old: "", New: "Analytical Engines"},
			{Field: contact.FieldNotes, Old: "", New: "Met at the expo."},
		}}}, c.DomainEvents())
	})
	t.Run("a new contact stores and records its fields trimmed", func(t *testing.T) {
		t.Parallel()
		c, err := contact.New(contact.Fields{Name: "  Ada  "}, "ana")

		require.NoError(t, err)
		assert.Equal(t, "Ada", c.Fields().Name)
		assert.Equal(t, "Ada", c.DomainEvents()[0].Changes[0].New)
	})
	t.Run("an invalid contact is not created", func(t *testing.T) {
		t.Parallel()
		c, err := contact.New(contact.Fields{}, "ana")

		assert.Nil(t, c)
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		assert.Equal(t, "Name is required.", v.For(contact.FieldName))
	})
}

func TestRehydrate_roundTripsASnapshotWithoutEvents(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	s := contact.Snapshot{ID: 7, Version: 4, Fields: validFields(), CreatedAt: at, UpdatedAt: at.Add(time.Hour), UpdatedBy: "bob"}

	c := contact.Rehydrate(s)

	assert.Equal(t, s, c.Snapshot())
	assert.Equal(t, int64(7), c.ID())
	assert.Equal(t, int64(4), c.Version())
	assert.Equal(t, validFields(), c.Fields())
	assert.Equal(t, at, c.CreatedAt())
	assert.Equal(t, at.Add(time.Hour), c.UpdatedAt())
	assert.Equal(t, "bob", c.UpdatedBy())
	assert.Empty(t, c.DomainEvents(), "loading is not a change")
}

func TestContact_Edit_recordsEachChangedFieldOldToNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(f *contact.Fields)
		changed []string
		changes []domain.Change
	}{
		{"changing the email records email", func(f *contact.Fields) { f.Email = "ada@lovelace.org" },
			[]string{contact.FieldEmail},
			[]domain.Change{{Field: contact.FieldEmail, Old: "ada@example.com", New: "ada@lovelace.org"}}},
		{"clearing the phone records phone to empty", func(f *contact.Fields) { f.Phone = "" },
			[]string{contact.FieldPhone},
			[]domain.Change{{Field: contact.FieldPhone, Old: "+44 20 7946 0958", New: ""}}},
		{"changing company and name records both in form order", func(f *contact.Fields) { f.Company, f.Name = "Babbage & Co", "Ada King" },
			[]string{contact.FieldName, contact.FieldCompany},
			[]domain.Change{
				{Field: contact.FieldName, Old: "Ada Lovelace", New: "Ada King"},
				{Field: contact.FieldCompany, Old: "Analytical Engines", New: "Babbage & Co"},
			}},
		{"a changed value with extra spaces records the trimmed value", func(f *contact.Fields) { f.Name = "  Ada King " },
			[]string{contact.FieldName},
			[]domain.Change{{Field: contact.FieldName, Old: "Ada Lovelace", New: "Ada King"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := stored(validFields())
			f := validFields()
			tt.edit(&f)

			changed, err := c.Edit(f, "bob")

			require.NoError(t, err)
			assert.Equal(t, tt.changed, changed)
			assert.Equal(t, f.Normalize(), c.Fields())
			assert.Equal(t, "bob", c.UpdatedBy())
			assert.Equal(t, int64(3), c.Version(), "the version moves on when the contact is saved, not when it is edited")
			assert.Equal(t, []domain.Event{{Name: contact.EventUpdated, Actor: "bob", Changes: tt.changes}}, c.DomainEvents())
		})
	}
}

func TestContact_Edit_twiceRecordsTwoEvents(t *testing.T) {
	t.Parallel()
	c := stored(validFields())
	f := validFields()
	f.Phone = "555 0100"
	_, err := c.Edit(f, "bob")
	require.NoError(t, err)
	f.Phone = "555 0199"

	_, err = c.Edit(f, "dan")

	require.NoError(t, err)
	require.Len(t, c.DomainEvents(), 2)
	assert.Equal(t, domain.Change{Field: contact.FieldPhone, Old: "555 0100", New: "555 0199"}, c.DomainEvents()[1].Changes[0])
	c.ClearEvents()
	assert.Empty(t, c.DomainEvents())
}

func TestContact_Edit_withNoChangeRecordsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(f *contact.Fields)
	}{
		{"saving the same fields is no change", func(*contact.Fields) {}},
		{"saving the same fields with extra spaces is no change", func(f *contact.Fields) {
			f.Name, f.Email, f.Phone, f.Company = " "+f.Name+" ", f.Email+"\n", "\t"+f.Phone, f.Company+"  "
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := stored(validFields())
			before := c.Snapshot()
			f := validFields()
			tt.edit(&f)

			changed, err := c.Edit(f, "bob")

			require.NoError(t, err)
			assert.Nil(t, changed)
			assert.Empty(t, c.DomainEvents(), "no change, no event")
			assert.Equal(t, "carol", c.UpdatedBy(), "nobody changed anything, so nobody is recorded")
			assert.Equal(t, before, c.Snapshot())
		})
	}
}

func TestContact_Edit_invalidFieldsChangeNothing(t *testing.T) {
	t.Parallel()
	c := stored(validFields())
	before := c.Snapshot()
	f := validFields()
	f.Name, f.Email = "", "ada@"

	changed, err := c.Edit(f, "bob")

	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "Name is required.", v.For(contact.FieldName))
	assert.Equal(t, "Email must look like name@example.com.", v.For(contact.FieldEmail))
	assert.Nil(t, changed)
	assert.Empty(t, c.DomainEvents())
	assert.Equal(t, before, c.Snapshot())
}
