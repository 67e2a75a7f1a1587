package domain

import "strings"

// TextPart is one stretch of a multi-line text two edits changed, as a rep
// resolves it: a stretch that merged (Lines, as MergeLines keeps it) or a
// conflict (Conflict set), where both sides changed the same lines of Base
// differently and the rep chooses Theirs, Yours, or types the stretch anew.
type TextPart struct {
	Conflict bool
	// Lines are the merged lines of a stretch that is not a conflict.
	Lines []string
	// Base, Theirs and Yours are a conflict's lines in each text.
	Base, Theirs, Yours []string
}

// TextParts splits three versions of a text into the stretches a rep
// resolves: runs of lines that merged, each one part, between the
// conflicts (see MergeLines). A text without conflicts is one part.
func TextParts(base, theirs, yours string) []TextPart {
	var parts []TextPart
	for _, h := range Diff3(SplitLines(base), SplitLines(theirs), SplitLines(yours)) {
		if h.Conflict() {
			parts = append(parts, TextPart{Conflict: true, Base: h.Base, Theirs: h.Theirs, Yours: h.Yours})
			continue
		}
		lines := h.Resolved()
		if n := len(parts); n > 0 && !parts[n-1].Conflict {
			parts[n-1].Lines = append(parts[n-1].Lines, lines...)
			continue
		}
		parts = append(parts, TextPart{Lines: append([]string{}, lines...)})
	}
	return parts
}

// Take is what a rep chose for one conflict of a text.
type Take int

// The choices for a conflict: their lines, the rep's own, or the text the
// rep typed for the stretch (Choice.Text).
const (
	TakeYours Take = iota
	TakeTheirs
	TakeEdit
)

// Choice is a rep's choice for one conflict; Text is what they typed for
// TakeEdit, its lines split at newlines (empty removes the stretch).
type Choice struct {
	Take Take
	Text string
}

// AssembleText joins parts into one text, each conflict as choices (in
// order, one per conflict) say; a conflict without a choice keeps the
// rep's own lines. With no choices it is the text a conflict puts in the
// rep's box: every stretch that merged, and the rep's own lines where both
// changed them.
func AssembleText(parts []TextPart, choices []Choice) string {
	var lines []string
	n := 0
	for _, p := range parts {
		if !p.Conflict {
			lines = append(lines, p.Lines...)
			continue
		}
		var c Choice
		if n < len(choices) {
			c = choices[n]
		}
		n++
		switch c.Take {
		case TakeTheirs:
			lines = append(lines, p.Theirs...)
		case TakeEdit:
			lines = append(lines, SplitLines(c.Text)...)
		default:
			lines = append(lines, p.Yours...)
		}
	}
	return strings.Join(lines, "\n")
}
