package lead_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"crm/domain"
	"crm/domain/lead"
)

// compare is the three-way comparison of lead fields the use cases make.
func compare(base *lead.Fields, theirs, yours lead.Fields) domain.ThreeWay[lead.Fields] {
	return domain.CompareThreeWay(lead.EditableFields, base, theirs, yours)
}

// mergeBase is the version a rep started editing from.
func mergeBase() lead.Fields {
	return lead.Fields{
		Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines",
		Phone: "555-0100", Source: "expo", Score: 50, Notes: "First call went well.",
	}
}

// with returns mergeBase with edit applied.
func with(edit func(f *lead.Fields)) lead.Fields {
	f := mergeBase()
	edit(&f)
	return f
}

// everyFieldChanged differs from mergeBase in all eight fields; theirs and
// yours also differ from each other in all eight.
func everyFieldChanged(side string) lead.Fields {
	if side == "theirs" {
		return lead.Fields{
			Name: "Name theirs", Email: "theirs@example.org", Company: "Company theirs",
			Phone: "555-0111", Source: "source theirs", Score: 61, Notes: "Notes theirs", Owner: 3,
		}
	}
	return lead.Fields{
		Name: "Name yours", Email: "yours@example.org", Company: "Company yours",
		Phone: "555-0122", Source: "source yours", Score: 72, Notes: "Notes yours", Owner: 4,
	}
}

func TestCompareThreeWay(t *testing.T) {
	t.Parallel()
	base := mergeBase()
	tests := []struct {
		name          string
		base          *lead.Fields
		theirs, yours lead.Fields
		want          domain.ThreeWay[lead.Fields]
	}{
		{
			name:   "you changed score and they changed phone: both are kept, no conflict",
			base:   &base,
			theirs: with(func(f *lead.Fields) { f.Phone = "555-0199" }),
			yours:  with(func(f *lead.Fields) { f.Score = 90 }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed: with(func(f *lead.Fields) { f.Phone, f.Score = "555-0199", 90 }),
				Yours:    []string{lead.FieldScore},
				Theirs:   []string{lead.FieldPhone},
			},
		},
		{
			name:   "you changed name and email, they changed company and notes: all four merge in form order",
			base:   &base,
			theirs: with(func(f *lead.Fields) { f.Notes, f.Company = "They called back.", "Babbage & Co" }),
			yours:  with(func(f *lead.Fields) { f.Email, f.Name = "ada@lovelace.org", "Ada King" }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed: with(func(f *lead.Fields) {
					f.Name, f.Email, f.Company, f.Notes = "Ada King", "ada@lovelace.org", "Babbage & Co", "They called back."
				}),
				Yours:  []string{lead.FieldName, lead.FieldEmail},
				Theirs: []string{lead.FieldCompany, lead.FieldNotes},
			},
		},
		{
			name:   "both changed name to different values: a conflict, and yours is proposed",
			base:   &base,
			theirs: with(func(f *lead.Fields) { f.Name = "Ada L." }),
			yours:  with(func(f *lead.Fields) { f.Name = "Augusta Ada King" }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed:  with(func(f *lead.Fields) { f.Name = "Augusta Ada King" }),
				Conflicts: []string{lead.FieldName},
			},
		},
		{
			name:   "both changed score to different values: a conflict, and yours is proposed",
			base:   &base,
			theirs: with(func(f *lead.Fields) { f.Score = 60 }),
			yours:  with(func(f *lead.Fields) { f.Score = 85 }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed:  with(func(f *lead.Fields) { f.Score = 85 }),
				Conflicts: []string{lead.FieldScore},
			},
		},
		{
			name:   "you cleared the source they edited: a conflict, and your empty value is proposed",
			base:   &base,
			theirs: with(func(f *lead.Fields) { f.Source = "webinar" }),
			yours:  with(func(f *lead.Fields) { f.Source = "" }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed:  with(func(f *lead.Fields) { f.Source = "" }),
				Conflicts: []string{lead.FieldSource},
			},
		},
		{
			// The saved value did change since your base, so it is listed
			// as theirs; what matters is that it is no conflict and is not
			// re-applied as yours.
			name:   "both changed email to the same value: no conflict",
			base:   &base,
			theirs: with(func(f *lead.Fields) { f.Email = "ada@lovelace.org" }),
			yours:  with(func(f *lead.Fields) { f.Email = "ada@lovelace.org" }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed: with(func(f *lead.Fields) { f.Email = "ada@lovelace.org" }),
				Theirs:   []string{lead.FieldEmail},
			},
		},
		{
			name:   "you changed nothing: theirs is proposed as it is",
			base:   &base,
			theirs: everyFieldChanged("theirs"),
			yours:  mergeBase(),
			want: domain.ThreeWay[lead.Fields]{
				Proposed: everyFieldChanged("theirs"),
				Theirs:   lead.EditableFields,
			},
		},
		{
			name:   "they changed nothing: yours is proposed for every field you changed",
			base:   &base,
			theirs: mergeBase(),
			yours:  everyFieldChanged("yours"),
			want: domain.ThreeWay[lead.Fields]{
				Proposed: everyFieldChanged("yours"),
				Yours:    lead.EditableFields,
			},
		},
		{
			name:   "both changed every field differently: seven conflicts, yours proposed throughout",
			base:   &base,
			theirs: everyFieldChanged("theirs"),
			yours:  everyFieldChanged("yours"),
			want: domain.ThreeWay[lead.Fields]{
				Proposed:  everyFieldChanged("yours"),
				Conflicts: lead.EditableFields,
			},
		},
		{
			name:   "nobody changed anything: nothing to report",
			base:   &base,
			theirs: mergeBase(),
			yours:  mergeBase(),
			want:   domain.ThreeWay[lead.Fields]{Proposed: mergeBase()},
		},
		{
			name:   "a mix of yours, theirs, a conflict and an agreement is sorted field by field",
			base:   &base,
			theirs: with(func(f *lead.Fields) { f.Email, f.Phone, f.Notes, f.Source = "a@b.co", "555-0111", "Theirs.", "fair" }),
			yours:  with(func(f *lead.Fields) { f.Name, f.Phone, f.Score, f.Source = "Ada K.", "555-0122", 95, "fair" }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed: with(func(f *lead.Fields) {
					f.Name, f.Email, f.Phone, f.Source, f.Score, f.Notes = "Ada K.", "a@b.co", "555-0122", "fair", 95, "Theirs."
				}),
				Yours:     []string{lead.FieldName, lead.FieldScore},
				Theirs:    []string{lead.FieldEmail, lead.FieldSource, lead.FieldNotes},
				Conflicts: []string{lead.FieldPhone},
			},
		},
		{
			name:   "without a base every differing field is a conflict and the rest stay",
			base:   nil,
			theirs: with(func(f *lead.Fields) { f.Company = "Babbage & Co" }),
			yours:  with(func(f *lead.Fields) { f.Notes, f.Score = "My notes.", 80 }),
			want: domain.ThreeWay[lead.Fields]{
				Proposed:  with(func(f *lead.Fields) { f.Notes, f.Score = "My notes.", 80 }),
				Conflicts: []string{lead.FieldCompany, lead.FieldScore, lead.FieldNotes},
			},
		},
		{
			name:   "without a base all seven differing fields are conflicts",
			base:   nil,
			theirs: everyFieldChanged("theirs"),
			yours:  everyFieldChanged("yours"),
			want: domain.ThreeWay[lead.Fields]{
				Proposed:  everyFieldChanged("yours"),
				Conflicts: lead.EditableFields,
			},
		},
		{
			name:   "without a base identical fields are no conflict",
			base:   nil,
			theirs: everyFieldChanged("theirs"),
			yours:  everyFieldChanged("theirs"),
			want:   domain.ThreeWay[lead.Fields]{Proposed: everyFieldChanged("theirs")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var baseCopy lead.Fields
			if tt.base != nil {
				baseCopy = *tt.base
			}

			got := compare(tt.base, tt.theirs, tt.yours)

			assert.Equal(t, tt.want.Proposed, got.Proposed, "Proposed")
			assertFieldList(t, tt.want.Yours, got.Yours, "Yours")
			assertFieldList(t, tt.want.Theirs, got.Theirs, "Theirs")
			assertFieldList(t, tt.want.Conflicts, got.Conflicts, "Conflicts")
			assert.Equal(t, len(tt.want.Conflicts) > 0, got.HasConflicts(), "HasConflicts")
			if tt.base != nil {
				assert.Equal(t, baseCopy, *tt.base, "the base is read, never written")
			}
		})
	}
}

func TestCompareThreeWay_everyFieldOnItsOwn(t *testing.T) {
	t.Parallel()
	type side struct {
		theirs, yours func(f *lead.Fields)
	}
	perField := map[string]side{
		lead.FieldName:    {func(f *lead.Fields) { f.Name = "T" }, func(f *lead.Fields) { f.Name = "Y" }},
		lead.FieldEmail:   {func(f *lead.Fields) { f.Email = "t@t.co" }, func(f *lead.Fields) { f.Email = "y@y.co" }},
		lead.FieldCompany: {func(f *lead.Fields) { f.Company = "T" }, func(f *lead.Fields) { f.Company = "Y" }},
		lead.FieldPhone:   {func(f *lead.Fields) { f.Phone = "111" }, func(f *lead.Fields) { f.Phone = "222" }},
		lead.FieldSource:  {func(f *lead.Fields) { f.Source = "T" }, func(f *lead.Fields) { f.Source = "Y" }},
		lead.FieldScore:   {func(f *lead.Fields) { f.Score = 0 }, func(f *lead.Fields) { f.Score = 100 }},
		lead.FieldNotes:   {func(f *lead.Fields) { f.Notes = "T" }, func(f *lead.Fields) { f.Notes = "Y" }},
		lead.FieldOwner:   {func(f *lead.Fields) { f.Owner = 3 }, func(f *lead.Fields) { f.Owner = 4 }},
	}
	base := mergeBase()
	for _, field := range lead.EditableFields {
		s := perField[field]
		t.Run(field+" changed only by you is yours", func(t *testing.T) {
			t.Parallel()
			got := compare(&base, mergeBase(), with(s.yours))
			assert.Equal(t, []string{field}, got.Yours)
			assert.Empty(t, got.Theirs)
			assert.Empty(t, got.Conflicts)
			assert.Equal(t, with(s.yours), got.Proposed)
		})
		t.Run(field+" changed only by them is theirs", func(t *testing.T) {
			t.Parallel()
			got := compare(&base, with(s.theirs), mergeBase())
			assert.Empty(t, got.Yours)
			assert.Equal(t, []string{field}, got.Theirs)
			assert.Empty(t, got.Conflicts)
			assert.Equal(t, with(s.theirs), got.Proposed)
		})
		t.Run(field+" changed differently by both is a conflict with yours proposed", func(t *testing.T) {
			t.Parallel()
			got := compare(&base, with(s.theirs), with(s.yours))
			assert.Empty(t, got.Yours)
			assert.Empty(t, got.Theirs)
			assert.Equal(t, []string{field}, got.Conflicts)
			assert.True(t, got.HasConflicts())
			assert.Equal(t, with(s.yours), got.Proposed)
		})
		t.Run(field+" differing without a base is a conflict with yours proposed", func(t *testing.T) {
			t.Parallel()
			got := compare(nil, with(s.theirs), with(s.yours))
			assert.Equal(t, []string{field}, got.Conflicts)
			assert.Equal(t, with(s.yours), got.Proposed)
		})
	}
}

// assertFieldList compares field lists, treating nil and empty alike.
func assertFieldList(t *testing.T, want, got []string, what string) {
	t.Helper()
	if len(want) == 0 {
		assert.Empty(t, got, what)
		return
	}
	assert.Equal(t, want, got, what)
}
