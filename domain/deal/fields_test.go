package deal_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
)

// validFields is a deal every rule accepts; each case below breaks or bends
// one field of it.
func validFields() deal.Fields {
	return deal.Fields{Title: "Analytical Engine, 2 units", Amount: deal.Money{Minor: 125000, Currency: "EUR"}}
}

func TestFields_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(f *deal.Fields)
		field   string // the field refused, "" when accepted
		message string
	}{
		{"a title is accepted", func(f *deal.Fields) { f.Title = "Renewal" }, "", ""},
		{"an empty title is refused", func(f *deal.Fields) { f.Title = "" }, deal.FieldTitle, "Title is required."},
		{"a title of spaces only is refused", func(f *deal.Fields) { f.Title = "  \t " }, deal.FieldTitle, "Title is required."},
		{"a title of 200 letters is accepted", func(f *deal.Fields) { f.Title = strings.Repeat("a", 200) }, "", ""},
		{"a title of 200 two-byte runes is accepted", func(f *deal.Fields) { f.Title = strings.Repeat("é", 200) }, "", ""},
		{"a title of 201 letters is refused", func(f *deal.Fields) { f.Title = strings.Repeat("a", 201) }, deal.FieldTitle, "Title is 201 characters; the limit is 200."},
		{"a title with a newline is refused", func(f *deal.Fields) { f.Title = "Two\nlines" }, deal.FieldTitle, "Title must be a single line of text."},
		{"a title with a bidi override is refused", func(f *deal.Fields) { f.Title = "Deal\u202e" }, deal.FieldTitle, "Title must be a single line of text."},
		{"a title with invalid UTF-8 is refused", func(f *deal.Fields) { f.Title = "Deal\xff" }, deal.FieldTitle, "Title contains characters that are not text."},
		{"notes of 10,000 characters are accepted", func(f *deal.Fields) { f.Notes = strings.Repeat("n", 10_000) }, "", ""},
		{"notes of 10,001 characters are refused", func(f *deal.Fields) { f.Notes = strings.Repeat("n", 10_001) }, deal.FieldNotes, "Notes are 10001 characters; the limit is 10000."},
		{"notes on several lines are accepted", func(f *deal.Fields) { f.Notes = "Budget signed.\n\nLegal review in May.\n" }, "", ""},
		{"notes with a NUL are refused", func(f *deal.Fields) { f.Notes = "a\x00b" }, deal.FieldNotes, "Notes contain characters that are not text."},
		{"a zero amount is accepted", func(f *deal.Fields) { f.Amount.Minor = 0 }, "", ""},
		{"a negative amount is refused", func(f *deal.Fields) { f.Amount.Minor = -1 }, deal.FieldAmount, "Amount cannot be negative."},
		{"an amount without currency is refused", func(f *deal.Fields) { f.Amount.Currency = "" }, deal.FieldCurrency, "Currency must be one of EUR, USD, GBP, CHF, JPY, KRW, BRL, CAD, AUD."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := validFields()
			tt.edit(&f)
			err := f.Normalize().Validate()
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.message, v.For(tt.field))
		})
	}
}

func TestFields_ValidateReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	err := deal.Fields{}.Validate()

	var v *domain.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, []string{deal.FieldTitle, deal.FieldCurrency}, fieldNames(v))
}

func TestFields_ChangedGetWithField(t *testing.T) {
	t.Parallel()
	a := validFields()
	b := a
	b.Amount.Currency = "USD"

	assert.Empty(t, a.Changed(a))
	assert.Equal(t, []string{deal.FieldAmount}, a.Changed(b), "another currency is another amount")
	assert.Equal(t, "1250.00 USD", b.Get(deal.FieldAmount))
	assert.Equal(t, "Analytical Engine, 2 units", a.Get(deal.FieldTitle))
	assert.Empty(t, a.Get("nonsense"))

	b.Title = "Other"
	assert.Equal(t, []string{deal.FieldTitle, deal.FieldAmount}, a.Changed(b), "in form order")
	assert.Equal(t, b.Amount, a.WithField(deal.FieldAmount, b).Amount)
	assert.Equal(t, a.Title, a.WithField(deal.FieldAmount, b).Title)
	assert.Equal(t, "Other", a.WithField(deal.FieldTitle, b).Title)
	assert.Equal(t, a, a.WithField("nonsense", b))
}

func fieldNames(v *domain.ValidationError) []string {
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field)
	}
	return out
}
