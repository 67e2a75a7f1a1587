package views

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"crm/domain"
)

// TextConflict is a multi-line text field both reps changed in the same
// lines, as the page resolves it: conflict by conflict, each with the
// lines as they were, as saved now and as typed, and a choice of theirs,
// mine or an edit; the stretches that merged sit between them as context.
// The field's box starts as what merged with the rep's own lines in each
// conflict (domain.AssembleText), and each choice puts the text assembled
// from all of them back into it (hunks.js).
type TextConflict struct {
	Field, Label string
	InputID      string // the field's box
	Saver        string // who saved since, as the banner says it
	SavedAt      time.Time
	Parts        []TextConflictPart
	Conflicts    int
}

// TextConflictPart is one stretch of a TextConflict, numbered from 1
// among the conflicts (N, 0 for a stretch that merged), with its lines in
// the box as it starts.
type TextConflictPart struct {
	domain.TextPart
	N int
	// First and Last are the stretch's lines in the box as it starts
	// (First = Last + 1 for a conflict whose own side removed its lines:
	// it sits before line First).
	First, Last int
}

// textConflict returns the conflict of field as its parts show it, and
// false when conflict has no conflicting part for field (it is not
// multi-line text, the starting version is unknown, or the conflict is a
// line the others changed and changed back, which the last version alone
// does not show: the field-wide choice applies).
func textConflict(form Form, conflict *Conflict, field string) (TextConflict, bool) {
	row, ok := conflict.Row(field)
	if !ok || conflictCount(row.Parts) == 0 || row.Kind != ChangedByBoth {
		return TextConflict{}, false
	}
	tc := TextConflict{Field: field, Label: row.Label, InputID: inputID(form, field),
		Saver: conflict.Saver(), SavedAt: conflict.SavedAt}
	line := 1
	for _, p := range row.Parts {
		n := len(p.Lines)
		if p.Conflict {
			tc.Conflicts++
			n = len(p.Yours)
		}
		part := TextConflictPart{TextPart: p, First: line, Last: line + n - 1}
		if p.Conflict {
			part.N = tc.Conflicts
		}
		tc.Parts = append(tc.Parts, part)
		line += n
	}
	return tc, true
}

// Heading is how a conflict is named: "Conflict 2 of 3, lines 14–16".
func (tc TextConflict) Heading(p TextConflictPart) string {
	return fmt.Sprintf("Conflict %d of %d, %s", p.N, tc.Conflicts, p.lines())
}

// lines names where a stretch is in the box: "line 4", "lines 4–6", or
// "before line 4" for one with no lines of its own there.
func (p TextConflictPart) lines() string {
	switch {
	case p.Last < p.First:
		return fmt.Sprintf("before line %d", p.First)
	case p.Last == p.First:
		return fmt.Sprintf("line %d", p.First)
	}
	return fmt.Sprintf("lines %d–%d", p.First, p.Last)
}

// ID is the element id of part, unique on the page.
func (tc TextConflict) ID(p TextConflictPart, what string) string {
	return fmt.Sprintf("%s-conflict-%d-%s", tc.InputID, p.N, what)
}

// Merged says what a stretch that merged holds, for its summary.
func (p TextConflictPart) Merged() string {
	return fmt.Sprintf("%s, merged or unchanged", strings.Replace(p.lines(), "l", "L", 1))
}

// linesJSON is lines as the data attributes hunks.js reads hold them: a
// JSON array, so that no lines and one empty line stay apart.
func linesJSON(lines []string) string {
	if lines == nil {
		lines = []string{}
	}
	b, _ := json.Marshal(lines) // a []string always marshals
	return string(b)
}

// shownLines is lines as a stretch shows them, "(no lines)" for none.
func shownLines(lines []string) string {
	if len(lines) == 0 {
		return "(no lines)"
	}
	return strings.Join(lines, "\n")
}

// conflictCount is how many of parts are conflicts.
func conflictCount(parts []domain.TextPart) int {
	n := 0
	for _, p := range parts {
		if p.Conflict {
			n++
		}
	}
	return n
}

// Count says how many conflicts there are: "1 conflict", "3 conflicts".
func (tc TextConflict) Count() string {
	if tc.Conflicts == 1 {
		return "1 conflict"
	}
	return fmt.Sprintf("%d conflicts", tc.Conflicts)
}

func conflictWord(n int) string {
	if n == 1 {
		return "place"
	}
	return "places"
}
