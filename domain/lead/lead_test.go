package lead_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
)

func TestNew(t *testing.T) {
	t.Parallel()
	t.Run("a new lead starts in NEW, last updated by its creator, owned by whom its fields say", func(t *testing.T) {
		t.Parallel()
		f := validFields()
		f.Owner = 7
		l, err := lead.New(f, "ada")

		require.NoError(t, err)
		assert.Equal(t, lead.StatusNew, l.Status())
		assert.Equal(t, int64(7), l.Fields().Owner)
		assert.Equal(t, "ada", l.UpdatedBy())
		assert.Equal(t, f, l.Fields())
	})
	t.Run("a new lead has no id or version until it is stored", func(t *testing.T) {
		t.Parallel()
		l, err := lead.New(validFields(), "ada")

		require.NoError(t, err)
		assert.Zero(t, l.ID())
		assert.Zero(t, l.Version())
	})
	t.Run("a new lead may move to CONTACTED or LOST", func(t *testing.T) {
		t.Parallel()
		l, err := lead.New(validFields(), "ada")

		require.NoError(t, err)
		assert.ElementsMatch(t, []lead.Status{lead.StatusContacted, lead.StatusLost}, l.NextStatuses())
	})
	t.Run("a new lead stores its fields trimmed", func(t *testing.T) {
		t.Parallel()
		f := validFields()
		f.Name, f.Notes = "  Ada Lovelace  ", "  keep me  "

		l, err := lead.New(f, "ada")

		require.NoError(t, err)
		assert.Equal(t, "Ada Lovelace", l.Fields().Name)
		assert.Equal(t, "  keep me  ", l.Fields().Notes)
	})
	t.Run("an invalid lead is not created", func(t *testing.T) {
		t.Parallel()
		l, err := lead.New(lead.Fields{}, "ada")

		assert.Nil(t, l)
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		assert.Equal(t, "Name is required.", v.For(lead.FieldName))
	})
}

func TestRehydrate_roundTripsASnapshot(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	s := lead.Snapshot{
		ID: 7, Version: 4, Fields: validFields(), Status: lead.StatusQualified,
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), UpdatedBy: "bob",
	}

	l := lead.Rehydrate(s)

	assert.Equal(t, s, l.Snapshot())
	assert.Equal(t, int64(7), l.ID())
	assert.Equal(t, int64(4), l.Version())
	assert.Equal(t, validFields(), l.Fields())
	assert.Equal(t, lead.StatusQualified, l.Status())
	assert.Equal(t, at, l.CreatedAt())
	assert.Equal(t, at.Add(time.Hour), l.UpdatedAt())
	assert.Equal(t, "bob", l.UpdatedBy())
}

func TestLead_Edit_reportsChangedFieldsInFormOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(f *lead.Fields)
		want []string
	}{
		{"changing the score reports score", func(f *lead.Fields) { f.Score = 90 }, []string{lead.FieldScore}},
		{"changing notes, name and phone reports them in form order", func(f *lead.Fields) {
			f.Notes, f.Name, f.Phone = "New notes.", "Ada King", "555 0100"
		}, []string{lead.FieldName, lead.FieldPhone, lead.FieldNotes}},
		{"clearing the email reports email", func(f *lead.Fields) { f.Email = "" }, []string{lead.FieldEmail}},
		{"changing company and source reports both", func(f *lead.Fields) { f.Source, f.Company = "ad", "Babbage & Co" }, []string{lead.FieldCompany, lead.FieldSource}},
		{"changing the owner reports owner", func(f *lead.Fields) { f.Owner = 9 }, []string{lead.FieldOwner}},
		{"changing every field reports all eight in form order", func(f *lead.Fields) {
			*f = lead.Fields{Name: "B", Email: "b@b.co", Company: "B Co", Phone: "999", Source: "ad", Score: 51, Notes: "other", Owner: 4}
		}, lead.EditableFields},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := lead.Rehydrate(lead.Snapshot{ID: 1, Version: 3, Fields: validFields(), Status: lead.StatusContacted, UpdatedBy: "ada"})
			f := validFields()
			tt.edit(&f)

			changed, err := l.Edit(f, "bob")

			require.NoError(t, err)
			assert.Equal(t, tt.want, changed)
			assert.Equal(t, f, l.Fields())
			assert.Equal(t, "bob", l.UpdatedBy(), "Edit records who changed the lead")
			assert.Equal(t, int64(3), l.Version(), "the version moves on when the lead is saved, not when it is edited")
			assert.Equal(t, lead.StatusContacted, l.Status(), "editing fields never moves the status")
		})
	}
}

func TestLead_Edit_withNoChangeLeavesTheLeadAlone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(f *lead.Fields)
	}{
		{"saving the same fields is no change", func(*lead.Fields) {}},
		{"saving the same fields with extra spaces is no change", func(f *lead.Fields) {
			f.Name, f.Email, f.Company, f.Phone, f.Source = " "+f.Name+" ", f.Email+"\n", "\t"+f.Company, f.Phone+"  ", " "+f.Source
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := lead.Rehydrate(lead.Snapshot{ID: 1, Version: 3, Fields: validFields(), Status: lead.StatusNew, UpdatedBy: "carol"})
			before := l.Snapshot()
			f := validFields()
			tt.edit(&f)

			changed, err := l.Edit(f, "bob")

			require.NoError(t, err)
			assert.Nil(t, changed)
			assert.Equal(t, int64(3), l.Version())
			assert.Equal(t, "carol", l.UpdatedBy(), "nobody changed anything, so nobody is recorded")
			assert.Equal(t, before, l.Snapshot())
		})
	}
	t.Run("a change to the notes' surrounding white space is a change", func(t *testing.T) {
		t.Parallel()
		l := lead.Rehydrate(lead.Snapshot{ID: 1, Version: 3, Fields: validFields(), Status: lead.StatusNew, UpdatedBy: "carol"})
		f := validFields()
		f.Notes += "\n"

		changed, err := l.Edit(f, "bob")

		require.NoError(t, err)
		assert.Equal(t, []string{lead.FieldNotes}, changed)
		assert.Equal(t, "bob", l.UpdatedBy())
	})
}

func TestLead_Edit_convertedLeadKeepsScore80(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  lead.Status
		score   int
		allowed bool
	}{
		{"a CONVERTED lead's score edited to 79 is refused", lead.StatusConverted, 79, false},
		{"a CONVERTED lead's score edited to 0 is refused", lead.StatusConverted, 0, false},
		{"a CONVERTED lead's score edited to 80 is allowed", lead.StatusConverted, 80, true},
		{"a CONVERTED lead's score edited to 100 is allowed", lead.StatusConverted, 100, true},
		{"a QUALIFIED lead's score edited to 79 is allowed", lead.StatusQualified, 79, true},
		{"a LOST lead's score edited to 0 is allowed", lead.StatusLost, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := leadIn(t, tt.status, 90)
			before := l.Snapshot()
			f := l.Fields()
			f.Score = tt.score

			changed, err := l.Edit(f, "bob")

			if tt.allowed {
				require.NoError(t, err)
				assert.Equal(t, []string{lead.FieldScore}, changed)
				assert.Equal(t, tt.score, l.Fields().Score)
				return
			}
			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, lead.FieldScore, rule.Field)
			assert.Equal(t, "A converted lead keeps a score of at least 80; "+strconv.Itoa(tt.score)+" is too low.", rule.Message)
			assert.Nil(t, changed)
			assert.Equal(t, before, l.Snapshot(), "a refused edit changes nothing")
		})
	}
	t.Run("a CONVERTED lead's other fields can still be edited", func(t *testing.T) {
		t.Parallel()
		l := leadIn(t, lead.StatusConverted, 85)
		f := l.Fields()
		f.Notes = "Signed."

		changed, err := l.Edit(f, "bob")

		require.NoError(t, err)
		assert.Equal(t, []string{lead.FieldNotes}, changed)
	})
	t.Run("a validation problem is reported before the conversion rule", func(t *testing.T) {
		t.Parallel()
		l := leadIn(t, lead.StatusConverted, 85)
		f := l.Fields()
		f.Score = -1

		_, err := l.Edit(f, "bob")

		var v *domain.ValidationError
		require.ErrorAs(t, err, &v)
		assert.Equal(t, "Score must be between 0 and 100; got -1.", v.For(lead.FieldScore))
	})
}
