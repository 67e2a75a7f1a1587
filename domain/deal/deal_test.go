package deal_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
)

func TestNew(t *testing.T) {
	t.Parallel()
	t.Run("a new deal is in Qualification, with its contact, and has no id or version until stored", func(t *testing.T) {
		t.Parallel()
		d, err := deal.New(validFields(), 7, 0, "ada")

		require.NoError(t, err)
		assert.Equal(t, deal.StageQualification, d.Stage())
		assert.Equal(t, int64(7), d.ContactID())
		assert.Zero(t, d.LeadID())
		assert.Zero(t, d.ID())
		assert.Zero(t, d.Version())
		assert.Equal(t, "ada", d.UpdatedBy())
		assert.Equal(t, validFields(), d.Fields())
		assert.Equal(t, []deal.Stage{deal.StageProposal, deal.StageNegotiation, deal.StageWon, deal.StageLost}, d.NextStages())
	})
	t.Run("a new deal records DealCreated with its fields and its contact", func(t *testing.T) {
		t.Parallel()
		d, err := deal.New(validFields(), 7, 0, "ada")

		require.NoError(t, err)
		assert.Equal(t, []domain.Event{{Name: deal.EventCreated, Actor: "ada",
			Changes: []domain.Change{
				{Field: deal.FieldTitle, Old: "", New: "Analytical Engine, 2 units"},
				{Field: deal.FieldAmount, Old: "", New: "1250.00 EUR"},
			},
			Refs: map[string]int64{"contact": 7},
		}}, d.DomainEvents())
	})
	t.Run("a deal converted from a lead refers to the lead too", func(t *testing.T) {
		t.Parallel()
		d, err := deal.New(validFields(), 7, 42, "ada")

		require.NoError(t, err)
		assert.Equal(t, int64(42), d.LeadID())
		assert.Equal(t, map[string]int64{"contact": 7, "lead": 42}, d.DomainEvents()[0].Refs)
	})
	t.Run("a new deal stores its title trimmed", func(t *testing.T) {
		t.Parallel()
		f := validFields()
		f.Title = "  Renewal  "

		d, err := deal.New(f, 7, 0, "ada")

		require.NoError(t, err)
		assert.Equal(t, "Renewal", d.Fields().Title)
	})
	t.Run("an invalid deal is not created and every problem is reported", func(t *testing.T) {
		t.Parallel()
		d, err := deal.New(deal.Fields{Amount: deal.Money{Minor: -1, Currency: "EUR"}}, 0, -1, "ada")

		assert.Nil(t, d)
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		assert.Equal(t, "Title is required.", v.For(deal.FieldTitle))
		assert.Equal(t, "Amount cannot be negative.", v.For(deal.FieldAmount))
		assert.Equal(t, "Choose the contact the deal is with.", v.For(deal.FieldContact))
		assert.Equal(t, "The lead does not exist.", v.For(deal.FieldLead))
	})
}

func TestRehydrateAndSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	s := deal.Snapshot{
		ID: 9, Version: 4, Fields: validFields(), Stage: deal.StageLost, ContactID: 3, LeadID: 5,
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), UpdatedAt: time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC), UpdatedBy: "bruno",
	}
	d := deal.Rehydrate(s)

	assert.Equal(t, s, d.Snapshot())
	assert.Equal(t, int64(9), d.ID())
	assert.Equal(t, int64(4), d.Version())
	assert.Equal(t, s.CreatedAt, d.CreatedAt())
	assert.Equal(t, s.UpdatedAt, d.UpdatedAt())
	assert.Empty(t, d.DomainEvents(), "loading a deal records nothing")
}

func TestDeal_Edit(t *testing.T) {
	t.Parallel()
	t.Run("a change records DealUpdated with each field old → new", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageQualification)
		f := validFields()
		f.Title = "Analytical Engine, 3 units"
		f.Amount = deal.Money{Minor: 187500, Currency: "GBP"}

		changed, err := d.Edit(f, "bruno")

		require.NoError(t, err)
		assert.Equal(t, []string{deal.FieldTitle, deal.FieldAmount}, changed)
		assert.Equal(t, f, d.Fields())
		assert.Equal(t, "bruno", d.UpdatedBy())
		assert.Equal(t, []domain.Event{{Name: deal.EventUpdated, Actor: "bruno", Changes: []domain.Change{
			{Field: deal.FieldTitle, Old: "Analytical Engine, 2 units", New: "Analytical Engine, 3 units"},
			{Field: deal.FieldAmount, Old: "1250.00 EUR", New: "1875.00 GBP"},
		}}}, d.DomainEvents())
	})
	t.Run("only the fields that changed are recorded", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageQualification)
		f := validFields()
		f.Amount.Minor = 130000

		changed, err := d.Edit(f, "bruno")

		require.NoError(t, err)
		assert.Equal(t, []string{deal.FieldAmount}, changed)
		assert.Equal(t, []domain.Change{{Field: deal.FieldAmount, Old: "1250.00 EUR", New: "1300.00 EUR"}}, d.DomainEvents()[0].Changes)
	})
	t.Run("no change records no event and keeps who saved last", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageQualification)
		f := validFields()
		f.Title = "  " + f.Title + " "

		changed, err := d.Edit(f, "bruno")

		require.NoError(t, err)
		assert.Empty(t, changed)
		assert.Empty(t, d.DomainEvents())
		assert.Equal(t, "ada", d.UpdatedBy())
	})
	t.Run("an invalid edit changes and records nothing", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageQualification)

		_, err := d.Edit(deal.Fields{Title: "", Amount: validFields().Amount}, "bruno")

		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		assert.Equal(t, "Title is required.", v.For(deal.FieldTitle))
		assert.Equal(t, validFields(), d.Fields())
		assert.Empty(t, d.DomainEvents())
	})
	t.Run("events pile up until cleared", func(t *testing.T) {
		t.Parallel()
		d := dealIn(t, deal.StageQualification)
		f := validFields()
		f.Title = "Next"
		_, err := d.Edit(f, "bruno")
		require.NoError(t, err)
		require.NoError(t, d.MoveTo(deal.StageWon, "bruno", deal.Gate{ClosedOn: nov30}))

		assert.Len(t, d.DomainEvents(), 2)
		d.ClearEvents()
		assert.Empty(t, d.DomainEvents())
	})
}
