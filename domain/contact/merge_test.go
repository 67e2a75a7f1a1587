package contact_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/domain"
	"crm/domain/contact"
)

// compare is the three-way comparison of contact fields the use cases make.
func compare(base *contact.Fields, theirs, yours contact.Fields) domain.ThreeWay[contact.Fields] {
	return domain.CompareThreeWay(contact.EditableFields, base, theirs, yours)
}

func TestCompareThreeWay(t *testing.T) {
	t.Parallel()
	base := validFields()
	with := func(edit func(f *contact.Fields)) contact.Fields {
		f := validFields()
		edit(&f)
		return f
	}
	tests := []struct {
		name                     string
		base                     *contact.Fields
		theirs, yours            contact.Fields
		proposed                 contact.Fields
		mine, others, conflicted []string
	}{
		{
			name:     "nobody changed anything",
			base:     &base,
			theirs:   base,
			yours:    base,
			proposed: base,
		},
		{
			name:     "you changed the email, they changed the phone: both kept",
			base:     &base,
			theirs:   with(func(f *contact.Fields) { f.Phone = "555 0100" }),
			yours:    with(func(f *contact.Fields) { f.Email = "ada@lovelace.org" }),
			proposed: with(func(f *contact.Fields) { f.Phone, f.Email = "555 0100", "ada@lovelace.org" }),
			mine:     []string{contact.FieldEmail},
			others:   []string{contact.FieldPhone},
		},
		{
			name:       "both changed the company differently: a conflict, yours proposed",
			base:       &base,
			theirs:     with(func(f *contact.Fields) { f.Company = "Babbage & Co" }),
			yours:      with(func(f *contact.Fields) { f.Company = "Difference Engines" }),
			proposed:   with(func(f *contact.Fields) { f.Company = "Difference Engines" }),
			conflicted: []string{contact.FieldCompany},
		},
		{
			name:     "both changed the name to the same value: no conflict",
			base:     &base,
			theirs:   with(func(f *contact.Fields) { f.Name = "Ada King" }),
			yours:    with(func(f *contact.Fields) { f.Name = "Ada King" }),
			proposed: with(func(f *contact.Fields) { f.Name = "Ada King" }),
			others:   []string{contact.FieldName},
		},
		{
			name:       "without a base every difference is a conflict",
			base:       nil,
			theirs:     with(func(f *contact.Fields) { f.Phone = "555 0100" }),
			yours:      with(func(f *contact.Fields) { f.Email = "ada@lovelace.org" }),
			proposed:   with(func(f *contact.Fields) { f.Email = "ada@lovelace.org" }),
			conflicted: []string{contact.FieldEmail, contact.FieldPhone},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := compare(tt.base, tt.theirs, tt.yours)

			assert.Equal(t, tt.proposed, got.Proposed, "Proposed")
			assert.ElementsMatch(t, tt.mine, got.Yours, "Yours")
			assert.ElementsMatch(t, tt.others, got.Theirs, "Theirs")
			assert.ElementsMatch(t, tt.conflicted, got.Conflicts, "Conflicts")
			assert.Equal(t, len(tt.conflicted) > 0, got.HasConflicts())
		})
	}
}

func TestCompareThreeWay_everyFieldOnItsOwn(t *testing.T) {
	t.Parallel()
	base := validFields()
	theirs := contact.Fields{Name: "T", Email: "t@t.co", Phone: "111", Company: "T Co", Notes: "Notes theirs", Owner: 3}
	yours := contact.Fields{Name: "Y", Email: "y@y.co", Phone: "222", Company: "Y Co", Notes: "Notes yours", Owner: 4}
	for _, field := range contact.EditableFields {
		t.Run(field+" changed only by you is yours", func(t *testing.T) {
			t.Parallel()
			got := compare(&base, base, base.WithField(field, yours))
			assert.Equal(t, []string{field}, got.Yours)
			assert.Empty(t, got.Theirs)
			assert.Empty(t, got.Conflicts)
		})
		t.Run(field+" changed only by them is theirs", func(t *testing.T) {
			t.Parallel()
			got := compare(&base, base.WithField(field, theirs), base)
			assert.Empty(t, got.Yours)
			assert.Equal(t, []string{field}, got.Theirs)
			assert.Equal(t, base.WithField(field, theirs), got.Proposed)
		})
		t.Run(field+" changed differently by both is a conflict", func(t *testing.T) {
			t.Parallel()
			got := compare(&base, base.WithField(field, theirs), base.WithField(field, yours))
			assert.Equal(t, []string{field}, got.Conflicts)
			assert.Equal(t, base.WithField(field, yours), got.Proposed)
		})
	}
}

func TestCompareThreeWay_notesMergeLineByLine(t *testing.T) {
	t.Parallel()
	base := validFields()
	base.Notes = "Met at the expo.\nPrefers email.\nBirthday in May."
	theirs, yours := base, base
	theirs.Notes = "Met at the expo (stand 12).\nPrefers email.\nBirthday in May."
	yours.Notes = "Met at the expo.\nPrefers email.\nBirthday on 3 May."

	got := compare(&base, theirs, yours)

	assert.Equal(t, []string{contact.FieldNotes}, got.Combined)
	assert.Empty(t, got.Conflicts)
	assert.Equal(t, "Met at the expo (stand 12).\nPrefers email.\nBirthday on 3 May.", got.Proposed.Notes)
}
