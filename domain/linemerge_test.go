package domain_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
)

func TestMergeLinesKeepsBothRepsEditsOfDifferentLines(t *testing.T) {
	base := "Met at the fair.\nBudget unknown.\nCall back in May.\nPrefers email.\n"
	theirs := "Met at the fair.\nBudget 40k.\nCall back in May.\nPrefers email.\n"
	yours := "Met at the fair.\nBudget unknown.\nCall back in May.\nPrefers phone.\n"
	merged, ok := domain.MergeLines(base, theirs, yours)
	require.True(t, ok)
	assert.Equal(t, "Met at the fair.\nBudget 40k.\nCall back in May.\nPrefers phone.\n", merged)
}

func TestMergeLinesKeepsBothParagraphsAddedAtTheEnd(t *testing.T) {
	base := "Met at the fair."
	merged, ok := domain.MergeLines(base, base+"\nSent the deck.", base+"\nAsked for a trial.")
	require.True(t, ok, "two additions change no line of base")
	assert.Equal(t, "Met at the fair.\nSent the deck.\nAsked for a trial.", merged, "theirs first: it was saved first")
	merged, ok = domain.MergeLines("Met.\n", "Met.\nSent the deck.\n", "Met.\nAsked for a trial.\n")
	require.True(t, ok)
	assert.Equal(t, "Met.\nSent the deck.\nAsked for a trial.\n", merged)
	merged, ok = domain.MergeLines("", "Sent the deck.", "Asked for a trial.")
	require.True(t, ok, "the first notes of a record, written by two reps at once")
	assert.Equal(t, "Sent the deck.\nAsked for a trial.", merged)
}

func TestMergeLinesRefusesTwoDifferentEditsOfOneLine(t *testing.T) {
	_, ok := domain.MergeLines("Budget unknown.\nCall in May.\n", "Budget 40k.\nCall in May.\n", "Budget 50k.\nCall in May.\n")
	assert.False(t, ok)
	_, ok = domain.MergeLines("a\nb\nc\n", "c\n", "a\nB\nc\n")
	assert.False(t, ok, "a line one side deleted and the other changed")
	_, ok = domain.MergeLines("a\nb\nc\n", "A\nb\nc\n", "a\nX\nY\nc\n")
	assert.False(t, ok, "a line changed beside one replaced by two: who is to say they do not belong together?")
}

func TestMergeLinesKeepsEditsOfNeighbouringLines(t *testing.T) {
	// diff3 makes one stretch of neighbouring lines; a rep sees two edits.
	merged, ok := domain.MergeLines("a\nb\nc\n", "A\nb\nc\n", "a\nB\nc\n")
	require.True(t, ok)
	assert.Equal(t, "A\nB\nc\n", merged)
}

func TestDiff3HunksHoldEveryLineOfEachTextOnceInOrder(t *testing.T) {
	base := []string{"a", "b", "c", "d", "e"}
	theirs := []string{"a", "B", "c", "d", "e", "f"}
	yours := []string{"x", "a", "b", "c", "e"}
	hunks := domain.Diff3(base, theirs, yours)
	var b, th, y []string
	for _, h := range hunks {
		b, th, y = append(b, h.Base...), append(th, h.Theirs...), append(y, h.Yours...)
	}
	assert.Equal(t, base, b)
	assert.Equal(t, theirs, th)
	assert.Equal(t, yours, y)
	merged, ok := domain.MergeLines(strings.Join(base, "\n"), strings.Join(theirs, "\n"), strings.Join(yours, "\n"))
	require.True(t, ok)
	assert.Equal(t, "x\na\nB\nc\ne\nf", merged)
}

// randomEdits changes, deletes or follows with a new line some lines of
// base at the positions in at, as a rep editing a note would.
func randomEdits(r *rand.Rand, base []string, at []int, who string) []string {
	var out []string
	for i, line := range base {
		if !slices.Contains(at, i) {
			out = append(out, line)
			continue
		}
		switch r.IntN(3) {
		case 0:
			out = append(out, fmt.Sprintf("%s changed line %d\n", who, i))
		case 1: // deleted
		default:
			out = append(out, line, fmt.Sprintf("%s added after line %d\n", who, i))
		}
	}
	return out
}

// TestMergeLinesProperties: for random notes and random edits by two reps
// of lines at least one unchanged line apart, the merge succeeds, keeps
// both reps' edits, and is the same whichever rep saved first; merging an
// edit with itself or with no edit gives that edit.
func TestMergeLinesProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		n := 3 + r.IntN(30)
		base := make([]string, n)
		for i := range base {
			base[i] = fmt.Sprintf("line %d of the note\n", i)
		}
		var mine, others []int
		for i := 0; i < n; i++ {
			switch r.IntN(4) {
			case 0:
				mine = append(mine, i)
				i++ // an unchanged line between the two reps' edits
			case 1:
				others = append(others, i)
				i++
			}
		}
		theirs, yours := randomEdits(r, base, others, "maria"), randomEdits(r, base, mine, "john")
		b, th, y := strings.Join(base, ""), strings.Join(theirs, ""), strings.Join(yours, "")

		one, ok := domain.MergeLines(b, th, y)
		require.True(t, ok, "trial %d: disjoint edits merge\nbase:\n%s\ntheirs:\n%s\nyours:\n%s", trial, b, th, y)
		other, ok := domain.MergeLines(b, y, th)
		require.True(t, ok)
		assert.Equal(t, one, other, "trial %d: order-independent", trial)
		for _, line := range append(slices.Clone(theirs), yours...) {
			if strings.Contains(line, "maria") || strings.Contains(line, "john") {
				assert.Contains(t, one, line, "trial %d: an edit is kept", trial)
			}
		}

		same, ok := domain.MergeLines(b, y, y)
		require.True(t, ok)
		assert.Equal(t, y, same, "identical edits merge to one")
		alone, ok := domain.MergeLines(b, b, y)
		require.True(t, ok)
		assert.Equal(t, y, alone, "an edit against no edit is that edit")
		alone, ok = domain.MergeLines(b, th, b)
		require.True(t, ok)
		assert.Equal(t, th, alone)
	}
}

// FuzzMergeLines checks the merge against what it must be, whatever the
// texts: Diff3's hunks hold each text's lines exactly, in order; a merge
// that succeeds is each hunk's resolution, and changes nothing when only
// one side changed anything.
func FuzzMergeLines(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n")
	f.Add("", "x", "y")
	f.Add("a\n\n\nb", "a\n\nb", "\na\n\n\nb\n")
	f.Fuzz(func(t *testing.T, base, theirs, yours string) {
		hunks := domain.Diff3(domain.SplitLines(base), domain.SplitLines(theirs), domain.SplitLines(yours))
		var b, th, y, resolved []string
		conflict := false
		for _, h := range hunks {
			b, th, y = append(b, h.Base...), append(th, h.Theirs...), append(y, h.Yours...)
			resolved = append(resolved, h.Resolved()...)
			conflict = conflict || h.Conflict()
		}
		if strings.Join(b, "\n") != base || strings.Join(th, "\n") != theirs || strings.Join(y, "\n") != yours {
			t.Fatalf("hunks do not hold the texts: %q %q %q", b, th, y)
		}
		merged, ok := domain.MergeLines(base, theirs, yours)
		if ok == conflict {
			t.Fatalf("MergeLines ok=%v with a conflicting hunk=%v", ok, conflict)
		}
		if ok && merged != strings.Join(resolved, "\n") {
			t.Fatalf("merged %q, hunks resolve to %q", merged, resolved)
		}
		if theirs == base && (!ok || merged != yours) {
			t.Fatalf("only yours changed: got %q, %v", merged, ok)
		}
		if yours == base && (!ok || merged != theirs) {
			t.Fatalf("only theirs changed: got %q, %v", merged, ok)
		}
	})
}

func TestMergeLinesOfHugeRewritesIsAConflictNotAnOutOfMemory(t *testing.T) {
	many := func(prefix string) string {
		var b strings.Builder
		for i := range 5000 {
			fmt.Fprintf(&b, "%s%d\n", prefix, i)
		}
		return b.String()
	}
	_, ok := domain.MergeLines(many("a"), many("b"), many("c"))
	assert.False(t, ok)
	merged, ok := domain.MergeLines(many("a"), many("a"), many("c"))
	require.True(t, ok, "one side alone is still its edit")
	assert.Equal(t, many("c"), merged)
}
