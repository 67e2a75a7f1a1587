package domain_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
)

// threeConflicts is a note both reps edited in the same three paragraphs,
// differently, leaving the fourth alone.
var threeConflicts = struct{ base, theirs, yours string }{
	base:   "Met at the fair.\n\nBudget unknown.\n\nCTO is Ana.\n\nCall back in May.",
	theirs: "Met at the fair, stand 12.\n\nBudget 40k.\n\nCTO is Ana.\n\nCall back in June.",
	yours:  "Met at the fair, with the CTO.\n\nBudget 45k.\n\nCTO is Ana.\n\nCall back on 2 May.",
}

func TestTextParts_splitsConflictsFromWhatMerged(t *testing.T) {
	t.Parallel()
	parts := domain.TextParts(threeConflicts.base, threeConflicts.theirs, threeConflicts.yours)

	var conflicts []domain.TextPart
	for _, p := range parts {
		if p.Conflict {
			conflicts = append(conflicts, p)
		}
	}
	require.Len(t, conflicts, 3)
	assert.Equal(t, domain.TextPart{Conflict: true, Base: []string{"Met at the fair."},
		Theirs: []string{"Met at the fair, stand 12."}, Yours: []string{"Met at the fair, with the CTO."}}, conflicts[0])
	assert.Equal(t, []string{"Budget 40k."}, conflicts[1].Theirs)
	assert.Equal(t, []string{"Call back on 2 May."}, conflicts[2].Yours)
	for i := 1; i < len(parts); i++ {
		assert.False(t, !parts[i].Conflict && !parts[i-1].Conflict, "stretches that merged are one part between conflicts")
	}
	assert.Equal(t, threeConflicts.yours, domain.AssembleText(parts, nil), "no choice keeps the rep's own lines")

	clean := domain.TextParts("a\nb", "A\nb", "a\nB")
	assert.Equal(t, []domain.TextPart{{Lines: []string{"A", "B"}}}, clean, "a text that merges is one part")
}

// TestAssembleText_everyCombinationOfChoices: over two and three
// conflicts, each conflict takes theirs, mine or an edit, independently of
// the others, and what merged stays in place between them.
func TestAssembleText_everyCombinationOfChoices(t *testing.T) {
	t.Parallel()
	paras := func(s string) []string { return strings.Split(s, "\n\n") }
	edits := []string{"First, rewritten.", "Budget: ask the CFO.", "Call back\nafter the board."}
	cases := []struct {
		name                 string
		base, theirs, yours  string
		wantConflicts        int
		mergedParagraphIndex int // a paragraph only theirs changed, -1 for none
	}{
		{"two conflicts", "One.\n\nTwo.\n\nThree.", "One T.\n\nTwo.\n\nThree T.", "One Y.\n\nTwo.\n\nThree Y.", 2, -1},
		{"three conflicts", threeConflicts.base, threeConflicts.theirs, threeConflicts.yours, 3, -1},
		{"two conflicts around an edit only they made", "One.\n\nTwo.\n\nThree.", "One T.\n\nTwo T.\n\nThree T.", "One Y.\n\nTwo.\n\nThree Y.", 2, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			parts := domain.TextParts(tc.base, tc.theirs, tc.yours)
			n := 0
			for _, p := range parts {
				if p.Conflict {
					n++
				}
			}
			require.Equal(t, tc.wantConflicts, n)
			conflicted := conflictParagraphs(paras(tc.base), paras(tc.theirs), paras(tc.yours))

			// Every one of 3^n combinations.
			total := 1
			for range n {
				total *= 3
			}
			for combo := range total {
				choices := make([]domain.Choice, n)
				want := append([]string{}, paras(tc.yours)...)
				for i, c := 0, combo; i < n; i, c = i+1, c/3 {
					at := conflicted[i]
					switch c % 3 {
					case 0:
						choices[i] = domain.Choice{Take: domain.TakeYours}
					case 1:
						choices[i] = domain.Choice{Take: domain.TakeTheirs}
						want[at] = paras(tc.theirs)[at]
					case 2:
						choices[i] = domain.Choice{Take: domain.TakeEdit, Text: edits[i]}
						want[at] = edits[i]
					}
				}
				if m := tc.mergedParagraphIndex; m >= 0 {
					want[m] = paras(tc.theirs)[m]
				}
				assert.Equal(t, strings.Join(want, "\n\n"), domain.AssembleText(parts, choices), fmt.Sprint("choices ", choices))
			}
		})
	}
}

// conflictParagraphs lists, in order, the paragraphs both sides changed
// differently: where the conflicts of texts edited a paragraph at a time
// are.
func conflictParagraphs(base, theirs, yours []string) []int {
	var out []int
	for i := range base {
		if theirs[i] != base[i] && yours[i] != base[i] && theirs[i] != yours[i] {
			out = append(out, i)
		}
	}
	return out
}

func TestAssembleText_anEmptyEditRemovesTheStretch(t *testing.T) {
	t.Parallel()
	parts := domain.TextParts("a\nb\nc", "a\nB\nc", "a\nβ\nc")
	assert.Equal(t, "a\nc", domain.AssembleText(parts, []domain.Choice{{Take: domain.TakeEdit}}))
	assert.Equal(t, "a\nB\nc", domain.AssembleText(parts, []domain.Choice{{Take: domain.TakeTheirs}}))
}

// TestCompareThreeWay_aTextConflictLeavesWhatMergedInTheBox: where both
// changed the same line, the proposed text keeps the other side's edits
// elsewhere and the rep's own lines in the conflict, so that saving it as
// it stands loses none of theirs outside it.
func TestCompareThreeWay_aTextConflictLeavesWhatMergedInTheBox(t *testing.T) {
	t.Parallel()
	base := notes{"One.\nTwo.\nThree."}
	got := domain.CompareThreeWay([]string{"notes"}, &base, notes{"One T.\nTwo.\nThree T."}, notes{"One.\nTwo.\nThree Y."})
	assert.Equal(t, []string{"notes"}, got.Conflicts)
	assert.Equal(t, "One T.\nTwo.\nThree Y.", got.Proposed.text)
}

// notes is a field set of one multi-line text field, "notes".
type notes struct{ text string }

func (n notes) Get(string) string                      { return n.text }
func (n notes) WithField(_ string, src notes) notes    { return src }
func (n notes) WithLines(_, text string) (notes, bool) { return notes{text}, true }

// TestCompareHistory_aLineChangedAndChangedBackIsAConflict: the others
// changed line two and changed it back, a decision the last version alone
// does not show; the rep's stale edit of that line is theirs to settle,
// while an edit of a line nobody touched still merges.
func TestCompareHistory_aLineChangedAndChangedBackIsAConflict(t *testing.T) {
	t.Parallel()
	base := notes{"One.\nTwo.\nThree."}
	history := []notes{{"One.\nTwo?\nThree."}, {"One.\nTwo.\nThree."}}

	got := domain.CompareHistory([]string{"notes"}, &base, history, notes{"One.\nTwo!\nThree."})
	assert.Equal(t, []string{"notes"}, got.Conflicts)
	assert.Equal(t, "One.\nTwo!\nThree.", got.Proposed.text, "the box keeps what the rep typed, not a merge over the revert")

	got = domain.CompareHistory([]string{"notes"}, &base, history, notes{"One.\nTwo.\nThree!"})
	assert.Empty(t, got.Conflicts)
	assert.Equal(t, []string{"notes"}, got.Combined)
	assert.Equal(t, "One.\nTwo.\nThree!", got.Proposed.text)
}
