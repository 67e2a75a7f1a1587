package deal_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/domain"
	"crm/domain/deal"
)

// compare is the three-way comparison of deal fields the use cases make.
func compare(base *deal.Fields, theirs, yours deal.Fields) domain.ThreeWay[deal.Fields] {
	return domain.CompareThreeWay(deal.EditableFields, base, theirs, yours)
}

func TestCompareThreeWay(t *testing.T) {
	t.Parallel()
	base := validFields()
	with := func(edit func(f *deal.Fields)) deal.Fields {
		f := validFields()
		edit(&f)
		return f
	}
	tests := []struct {
		name                     string
		base                     *deal.Fields
		theirs, yours            deal.Fields
		proposed                 deal.Fields
		mine, others, conflicted []string
	}{
		{
			name: "nobody changed anything", base: &base,
			theirs: base, yours: base, proposed: base,
		},
		{
			name:     "you changed the title, they changed the amount: both kept",
			base:     &base,
			theirs:   with(func(f *deal.Fields) { f.Amount.Minor = 99900 }),
			yours:    with(func(f *deal.Fields) { f.Title = "Renewal" }),
			proposed: with(func(f *deal.Fields) { f.Amount.Minor, f.Title = 99900, "Renewal" }),
			mine:     []string{deal.FieldTitle},
			others:   []string{deal.FieldAmount},
		},
		{
			name:       "both changed the amount differently: a conflict, yours proposed",
			base:       &base,
			theirs:     with(func(f *deal.Fields) { f.Amount.Minor = 99900 }),
			yours:      with(func(f *deal.Fields) { f.Amount.Minor = 150000 }),
			proposed:   with(func(f *deal.Fields) { f.Amount.Minor = 150000 }),
			conflicted: []string{deal.FieldAmount},
		},
		{
			name:       "one changed the number, the other the currency: the amount conflicts",
			base:       &base,
			theirs:     with(func(f *deal.Fields) { f.Amount.Currency = "USD" }),
			yours:      with(func(f *deal.Fields) { f.Amount.Minor = 150000 }),
			proposed:   with(func(f *deal.Fields) { f.Amount.Minor = 150000 }),
			conflicted: []string{deal.FieldAmount},
		},
		{
			name:     "both made the same change: no conflict",
			base:     &base,
			theirs:   with(func(f *deal.Fields) { f.Title = "Same" }),
			yours:    with(func(f *deal.Fields) { f.Title = "Same" }),
			proposed: with(func(f *deal.Fields) { f.Title = "Same" }),
			others:   []string{deal.FieldTitle},
		},
		{
			name:       "an unknown base makes every difference a conflict",
			base:       nil,
			theirs:     with(func(f *deal.Fields) { f.Title = "Theirs" }),
			yours:      yoursWithAmount(1),
			proposed:   yoursWithAmount(1), // yours for each conflict
			conflicted: []string{deal.FieldTitle, deal.FieldAmount},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := compare(tt.base, tt.theirs, tt.yours)
			assert.Equal(t, tt.proposed, w.Proposed)
			assert.Equal(t, tt.mine, w.Yours)
			assert.Equal(t, tt.others, w.Theirs)
			assert.Equal(t, tt.conflicted, w.Conflicts)
			assert.Equal(t, len(tt.conflicted) > 0, w.HasConflicts())
		})
	}
}

func yoursWithAmount(minor int64) deal.Fields {
	f := validFields()
	f.Amount.Minor = minor
	return f
}

func TestCompareThreeWay_notesMergeLineByLine(t *testing.T) {
	t.Parallel()
	base := validFields()
	base.Notes = "Budget signed.\nLegal review in May."
	theirs, yours := base, base
	theirs.Notes = "Budget signed by the CFO.\nLegal review in May."
	yours.Notes = "Budget signed.\nLegal review in May.\nKick-off on 2 June."

	got := compare(&base, theirs, yours)

	assert.Equal(t, []string{deal.FieldNotes}, got.Combined)
	assert.Empty(t, got.Conflicts)
	assert.Equal(t, "Budget signed by the CFO.\nLegal review in May.\nKick-off on 2 June.", got.Proposed.Notes)

	yours.Notes = "Budget signed by the board.\nLegal review in May."
	assert.Equal(t, []string{deal.FieldNotes}, compare(&base, theirs, yours).Conflicts, "the same line changed two ways")
}
