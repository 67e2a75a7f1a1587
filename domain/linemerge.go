package domain

import "strings"

// MergeLines merges two edits of one text, line by line, as diff3 does:
// theirs and yours each started from base. Lines only one side changed
// take that side's change; a stretch of base both changed is a conflict
// unless both made it alike. Lines both sides added at the same place,
// changing no line of base, are kept both, theirs first (they were saved
// first): two reps adding a paragraph at the end of the notes is the most
// common meeting of all, and neither addition undoes the other. ok is
// false when any stretch conflicts, and merged is then meaningless.
//
// Reps collide most in a long notes field; each usually adds or edits its
// own paragraph, and both edits should land, where a field-by-field
// merge could keep only one.
func MergeLines(base, theirs, yours string) (merged string, ok bool) {
	hunks := Diff3(SplitLines(base), SplitLines(theirs), SplitLines(yours))
	var out []string
	for _, h := range hunks {
		if h.Conflict() {
			return "", false
		}
		out = append(out, h.Resolved()...)
	}
	return strings.Join(out, "\n"), true
}

// Hunk is one stretch of a three-way comparison: the lines of base and
// what each side made of them. A stable hunk has all three alike.
type Hunk struct {
	Base, Theirs, Yours []string
}

// Conflict reports whether both sides changed lines of base in the
// stretch, differently: the same line, or around each other's lines in
// ways that change how many there are.
func (h Hunk) Conflict() bool {
	if len(h.Base) == 0 || equalLines(h.Theirs, h.Base) || equalLines(h.Yours, h.Base) || equalLines(h.Theirs, h.Yours) {
		return false
	}
	_, ok := h.lineByLine()
	return !ok
}

// Resolved is the stretch as the merge keeps it: the side that changed it
// (theirs when both changed it alike), both sides' additions where base
// had no line, theirs first, and each side's own lines where both edited
// lines of the stretch in place; for a conflict, yours.
func (h Hunk) Resolved() []string {
	switch {
	case equalLines(h.Yours, h.Base):
		return h.Theirs
	case equalLines(h.Theirs, h.Base), equalLines(h.Theirs, h.Yours):
		return h.Yours
	case len(h.Base) == 0:
		return append(append([]string{}, h.Theirs...), h.Yours...)
	}
	if lines, ok := h.lineByLine(); ok {
		return lines
	}
	return h.Yours
}

// lineByLine merges a stretch both sides edited in place, line for line
// (neither added nor removed a line): diff3 counts edits of neighbouring
// lines as one conflict, where a rep sees two edits of two lines. ok is
// false when the line counts differ or a line was changed two ways.
func (h Hunk) lineByLine() ([]string, bool) {
	if len(h.Theirs) != len(h.Base) || len(h.Yours) != len(h.Base) {
		return nil, false
	}
	out := make([]string, len(h.Base))
	for i, b := range h.Base {
		switch t, y := h.Theirs[i], h.Yours[i]; {
		case y == b || y == t:
			out[i] = t
		case t == b:
			out[i] = y
		default:
			return nil, false
		}
	}
	return out, true
}

// Diff3 splits a three-way comparison of lines into hunks, in order, that
// together hold every line of each text once: the stretches where both
// sides kept base's lines, and between them what each side made of the
// rest. It is the classic diff3 over two longest common subsequences, base
// with theirs and base with yours.
func Diff3(base, theirs, yours []string) []Hunk {
	mt, my := matchLines(base, theirs), matchLines(base, yours)
	var hunks []Hunk
	b, t, y := 0, 0, 0 // where the next hunk starts in each text
	for b < len(base) || t < len(theirs) || y < len(yours) {
		// A base line both sides kept, in place, starts a stable stretch.
		if b < len(base) && mt[b] == t && my[b] == y {
			s := b
			for b < len(base) && mt[b] == t && my[b] == y {
				b, t, y = b+1, t+1, y+1
			}
			hunks = append(hunks, Hunk{Base: base[s:b], Theirs: theirs[t-(b-s) : t], Yours: yours[y-(b-s) : y]})
			continue
		}
		// Otherwise the changed stretch runs to the next base line both
		// sides kept, or to the ends.
		e := b
		for e < len(base) && (mt[e] < 0 || my[e] < 0) {
			e++
		}
		te, ye := len(theirs), len(yours)
		if e < len(base) {
			te, ye = mt[e], my[e]
		}
		hunks = append(hunks, Hunk{Base: base[b:e], Theirs: theirs[t:te], Yours: yours[y:ye]})
		b, t, y = e, te, ye
	}
	return hunks
}

// maxLineTable bounds the table matchLines builds: 250,000 cells, 2 MB.
// A note of up to 10,000 characters edited in a few places stays far
// below it; only thousands of changed lines on both sides reach it.
const maxLineTable = 250_000

// matchLines pairs the lines of a and b along a longest common
// subsequence: m[i] is the line of b that line i of a is kept as, -1 for a
// line b dropped or changed.
func matchLines(a, b []string) []int {
	// Lines both texts start and end with are matched without the table,
	// so a long note edited in one place costs little.
	m := make([]int, len(a))
	for i := range m {
		m[i] = -1
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		m[pre] = pre
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		m[len(a)-1-suf] = len(b) - 1 - suf
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(ma)*len(mb) > maxLineTable {
		// Too many changed lines to compare in little memory: the middle
		// counts as changed whole, so two edits of it are a conflict, as
		// they were before texts merged line by line.
		return m
	}
	// lcs[i][j] is the length of the longest common subsequence of ma[i:]
	// and mb[j:].
	lcs := make([][]int, len(ma)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(mb)+1)
	}
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i] == mb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	for i, j := 0, 0; i < len(ma) && j < len(mb); {
		switch {
		case ma[i] == mb[j]:
			m[pre+i] = pre + j
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return m
}

// SplitLines splits s into its lines, without their newlines, so that
// joining them with newlines gives s back; a text that ends with a newline
// ends with an empty line, and the empty text has none (so that two reps
// writing the first notes of a record add lines rather than both change
// one empty line).
func SplitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
