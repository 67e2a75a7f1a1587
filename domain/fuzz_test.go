package domain_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
)

// FuzzCompareThreeWay checks the conflict rules field by field for any mix
// of edits. Each byte of base, theirs and yours picks one field's value from
// a handful, so the interesting cases (same value on both sides, a change
// back to base) come up all the time instead of almost never.
func FuzzCompareThreeWay(f *testing.F) {
	f.Add("\x00\x00\x00\x00\x00\x00\x00", "\x00\x00\x00\x00\x00\x00\x00", "\x00\x00\x00\x00\x00\x00\x00", true)
	f.Add("\x00\x00\x00\x00\x00\x00\x00", "\x00\x00\x00\x01\x00\x00\x00", "\x00\x00\x00\x00\x00\x02\x00", true)
	f.Add("\x00\x00\x00\x00\x00\x00\x00", "\x01\x01\x01\x01\x01\x01\x01", "\x02\x02\x02\x02\x02\x02\x02", true)
	f.Add("\x00\x00\x00\x00\x00\x00\x00", "\x01\x02\x00\x03", "\x01\x03\x00\x00", true)
	f.Add("", "\x01\x02\x03", "\x01\x03\x03", false)
	f.Add("abc", "abd", "", false)
	f.Fuzz(func(t *testing.T, basePick, theirsPick, yoursPick string, known bool) {
		theirs, yours := pickFields(theirsPick), pickFields(yoursPick)
		var base *lead.Fields
		if known {
			b := pickFields(basePick)
			base = &b
		}
		w := domain.CompareThreeWay(lead.EditableFields, base, theirs, yours)
		assert.Equal(t, len(w.Conflicts) > 0, w.HasConflicts())

		var wantYours, wantTheirs, wantConflicts, wantCombined []string
		for _, name := range lead.EditableFields {
			ty, yv, pv := theirs.Get(name), yours.Get(name), w.Proposed.Get(name)
			if base == nil {
				// Without a base nobody can tell whose change a difference is.
				if ty != yv {
					wantConflicts = append(wantConflicts, name)
				}
				assert.Equalf(t, yv, pv, "%s: with no base, yours is proposed", name)
				continue
			}
			b := base.Get(name)
			switch {
			case ty == b && yv == b:
				assert.Equalf(t, b, pv, "%s: nobody changed it, so base stands", name)
			case yv == b:
				wantTheirs = append(wantTheirs, name)
				assert.Equalf(t, ty, pv, "%s: only theirs changed it", name)
			case ty == b:
				wantYours = append(wantYours, name)
				assert.Equalf(t, yv, pv, "%s: only you changed it", name)
			case ty == yv:
				wantTheirs = append(wantTheirs, name)
				assert.Equalf(t, ty, pv, "%s: both changed it the same way", name)
			default:
				// The notes are text of many lines: edits of different
				// lines merge (see MergeLines), others conflict.
				if merged, ok := domain.MergeLines(b, ty, yv); ok && name == lead.FieldNotes {
					wantCombined = append(wantCombined, name)
					assert.Equalf(t, merged, pv, "%s: both edits, line by line", name)
					continue
				}
				wantConflicts = append(wantConflicts, name)
				assert.Equalf(t, yv, pv, "%s: in conflict, yours is proposed so a second save keeps it", name)
			}
		}
		assert.Equal(t, wantCombined, w.Combined, "Combined")
		assert.Equal(t, wantYours, w.Yours, "Yours")
		assert.Equal(t, wantTheirs, w.Theirs, "Theirs")
		assert.Equal(t, wantConflicts, w.Conflicts, "Conflicts")
		for _, name := range w.Conflicts {
			require.False(t, slices.Contains(w.Yours, name) || slices.Contains(w.Theirs, name),
				"%s is a conflict and also listed as a clean change", name)
		}
	})
}

// pickFields builds lead fields from pick, one byte per field in form
// order; a missing byte picks the first value. The values are few and
// overlap on purpose: " Ada" and "Ada" differ (fields are compared as
// normalized) and scores compare as text.
func pickFields(pick string) lead.Fields {
	choose := func(i int, values ...string) string {
		if i >= len(pick) {
			return values[0]
		}
		return values[int(pick[i])%len(values)]
	}
	scores := map[string]int{"0": 0, "50": 50, "80": 80, "100": 100}
	return lead.Fields{
		Name:    choose(0, "Ada", "Grace", " Ada", ""),
		Email:   choose(1, "", "ada@example.com", "grace@example.com"),
		Company: choose(2, "", "Analytical Engines", "Babbage & Co"),
		Phone:   choose(3, "", "555-0100", "555-0199"),
		Source:  choose(4, "", "expo", "referral"),
		Score:   scores[choose(5, "0", "50", "80", "100")],
		Notes:   choose(6, "", "First call.", "First call.\n", "Called back."),
	}
}
