package domain

import "slices"

// FieldSet is an aggregate's editable fields: each can be read as text, the
// form in which reps see and compare it, and copied from another set.
type FieldSet[F any] interface {
	Get(field string) string
	WithField(field string, from F) F
}

// LineMerger is a FieldSet with multi-line text fields, which two edits
// merge line by line (MergeLines) rather than conflict over.
type LineMerger[F any] interface {
	// WithLines returns the set with field set to text, and whether field
	// is multi-line text.
	WithLines(field, text string) (F, bool)
}

// Changed lists the named fields whose values differ between a and b, in
// the order of names.
func Changed[F FieldSet[F]](names []string, a, b F) []string {
	var out []string
	for _, name := range names {
		if a.Get(name) != b.Get(name) {
			out = append(out, name)
		}
	}
	return out
}

// ChangedAlong lists the named fields that any version of versions, oldest
// first, changed from the one before it, in the order of names.
func ChangedAlong[F FieldSet[F]](names []string, versions []F) []string {
	var out []string
	for _, name := range names {
		for i := 1; i < len(versions); i++ {
			if versions[i].Get(name) != versions[i-1].Get(name) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// Comparable is a field set that lists its own changes.
type Comparable[F any] interface {
	FieldSet[F]
	// Changed lists the fields whose values differ from g's, in form order.
	Changed(g F) []string
}

// Diff lists the fields that differ between from and to, old → new, as
// events record them.
func Diff[F Comparable[F]](from, to F) []Change {
	var out []Change
	for _, name := range from.Changed(to) {
		out = append(out, Change{Field: name, Old: from.Get(name), New: to.Get(name)})
	}
	return out
}

// ThreeWay compares what a rep typed (yours) with the version they started
// from (base) and the version saved now (theirs), field by field. It is the
// pure core of conflict handling: it decides nothing about saving.
type ThreeWay[F any] struct {
	// Proposed holds theirs with every change of yours that nobody else
	// touched, and yours for conflicting fields: what a second Save should
	// carry so that it keeps both reps' work.
	Proposed F
	// Yours lists the fields you changed that nobody else did.
	Yours []string
	// Theirs lists the fields someone else changed that you did not, or
	// changed to the same value: either way the saved value stands.
	Theirs []string
	// Conflicts lists the fields both sides changed to different values.
	Conflicts []string
	// Combined lists the multi-line text fields both sides changed in
	// different lines: Proposed holds both edits, merged line by line.
	Combined []string
}

// CompareThreeWay compares the named fields of yours and theirs against
// base; all three must be normalized, or white space counts as a change. A
// field changed on both sides to the same value is no conflict. A nil base
// (the starting version is unknown) makes every differing field a
// conflict: without it nobody can tell whose change a difference is.
func CompareThreeWay[F FieldSet[F]](fields []string, base *F, theirs, yours F) ThreeWay[F] {
	return CompareHistory(fields, base, []F{theirs}, yours)
}

// CompareHistory is CompareThreeWay over every version saved since base:
// history holds them oldest first, theirs (the version saved now) last. A
// field counts as changed by others when any of them changed it, even if
// it was changed back (A→B→A is a change: someone saved A again, and a
// rep who started from the first A never saw that save). history must not
// be empty.
func CompareHistory[F FieldSet[F]](fields []string, base *F, history []F, yours F) ThreeWay[F] {
	theirs := history[len(history)-1]
	var others []string
	if base != nil {
		others = ChangedAlong(fields, append([]F{*base}, history...))
	}
	w := ThreeWay[F]{Proposed: theirs}
	for _, name := range fields {
		t, y := theirs.Get(name), yours.Get(name)
		yoursChanged, theirsChanged := t != y, t != y
		if base != nil {
			yoursChanged, theirsChanged = y != (*base).Get(name), slices.Contains(others, name)
		}
		switch {
		case y == t || !yoursChanged:
			if theirsChanged {
				w.Theirs = append(w.Theirs, name)
			}
		case !theirsChanged:
			w.Yours = append(w.Yours, name)
			w.Proposed = w.Proposed.WithField(name, yours)
		default:
			if merged, ok := mergeLines(w.Proposed, name, base, history, yours); ok {
				w.Combined = append(w.Combined, name)
				w.Proposed = merged
				continue
			}
			w.Conflicts = append(w.Conflicts, name)
			w.Proposed = conflicted(w.Proposed, name, base, theirs, yours)
		}
	}
	return w
}

// conflicted is proposed with field name as a conflict leaves it for the
// rep to resolve: what they typed, or, for multi-line text whose starting
// version is known, every stretch that merged with their own lines where
// both changed the same ones (AssembleText), so that saving it as it
// stands keeps the other side's edits elsewhere in the text.
func conflicted[F FieldSet[F]](proposed F, name string, base *F, theirs, yours F) F {
	if lm, isText := any(proposed).(LineMerger[F]); isText && base != nil {
		parts := TextParts((*base).Get(name), theirs.Get(name), yours.Get(name))
		// Without a conflicting stretch the conflict is a line changed and
		// changed back since: merging with the last version would write
		// over that, so the box keeps what the rep typed.
		if slices.ContainsFunc(parts, func(p TextPart) bool { return p.Conflict }) {
			if f, ok := lm.WithLines(name, AssembleText(parts, nil)); ok {
				return f
			}
		}
	}
	return proposed.WithField(name, yours)
}

// mergeLines merges both sides' edits of field name of proposed line by
// line, when it is multi-line text and the version both started from is
// known: ok reports that it did. The rep's lines must stay clear of the
// lines every version since base touched, not only the last: a line the
// others changed and changed back is their decision, as a whole field
// changed back is (ChangedAlong), and a merge against the last version
// alone would see it untouched and overwrite it.
func mergeLines[F FieldSet[F]](proposed F, name string, base *F, history []F, yours F) (F, bool) {
	lm, isText := any(proposed).(LineMerger[F])
	if !isText || base == nil {
		return proposed, false
	}
	from, mine := (*base).Get(name), yours.Get(name)
	var text string
	for _, h := range history {
		merged, ok := MergeLines(from, h.Get(name), mine)
		if !ok {
			return proposed, false
		}
		text = merged
	}
	return lm.WithLines(name, text)
}

// HasConflicts reports whether any field was changed differently on both sides.
func (w ThreeWay[F]) HasConflicts() bool { return len(w.Conflicts) > 0 }
