package web

import (
	"fmt"
	"strings"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/usecase/conflict"
)

// mergeNotice tells rep you how their save from an old version was merged:
// whose changes were kept and which of theirs were saved, e.g. "Merged with
// maria's save (version 3): kept their change to Phone; saved your Score."
// A save of your own, made in another tab, is said to be yours.
func mergeNotice(m *conflict.Merge, labels map[string]string, now int64, you string) string {
	whose, their := views.Who(m.By)+"'s save", "their change"
	if m.By == you {
		whose, their = "your save in another tab", "your change there"
	}
	var said []string
	if len(m.Kept) > 0 {
		said = append(said, "kept "+their+" to "+fieldList(m.Kept, labels))
	}
	if len(m.Applied) > 0 {
		said = append(said, "saved your "+fieldList(m.Applied, labels))
	}
	if len(m.Combined) > 0 {
		said = append(said, "kept both edits of "+fieldList(m.Combined, labels)+", line by line")
	}
	msg := fmt.Sprintf("Merged with %s (version %d)", whose, m.Onto)
	switch {
	case len(m.Applied) == 0 && len(m.Combined) == 0:
		if len(m.Kept) > 0 {
			msg += ": " + said[0]
		}
		msg += ". They had already saved the same changes as yours."
	default:
		msg += ": " + strings.Join(said, "; ") + "."
	}
	return msg + fmt.Sprintf(" This is now version %d.", now)
}

// savedNotice says what a save from version did to the aggregate of noun
// now at version now: saved, merged (see mergeNotice), or nothing to save.
func savedNotice(noun string, m *conflict.Merge, labels map[string]string, version, now int64, you string) string {
	switch {
	case m != nil:
		return mergeNotice(m, labels, now, you)
	case now == version:
		return "Nothing to save: no field was changed."
	}
	return fmt.Sprintf("Saved. This %s is now at version %d.", noun, now)
}

// movedNotice says where a move took the aggregate of noun, now at version
// now, and how it was merged when it started from an old version.
func movedNotice(noun, to string, m *conflict.Merge, labels map[string]string, now int64, you string) string {
	if m != nil {
		return fmt.Sprintf("Moved to %s. ", to) + mergeNotice(m, labels, now, you)
	}
	return fmt.Sprintf("Moved to %s. This %s is now at version %d.", to, noun, now)
}

// restoredNotice says a record of noun, now at version now, was restored
// for rep you, and how what they typed was merged when it was saved with
// the restore from an older version.
func restoredNotice(noun string, m *conflict.Merge, labels map[string]string, now int64, you string) string {
	switch {
	case m != nil && now == m.Onto:
		// Nothing written: someone restored it, and their saves hold
		// whatever the rep typed.
		return fmt.Sprintf("Nothing left to do: this %s was restored meanwhile and already holds your changes (version %d).", noun, now)
	case m != nil && len(m.Applied) > 0:
		return "Restored from the Trash. " + mergeNotice(m, labels, now, you)
	}
	return fmt.Sprintf("Restored from the Trash. This %s is now at version %d.", noun, now)
}

// fieldList names fields for a sentence: "Phone", "Phone and Score",
// "Name, Phone and Score".
func fieldList(fields []string, labels map[string]string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = labels[f]
		if names[i] == "" {
			names[i] = f
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// fieldReader is any aggregate's field set, read as text.
type fieldReader interface{ Get(field string) string }

// compareRows lists a three-way comparison's fields for the banner:
// conflicts first, then their changes, then yours.
func compareRows[F any](cmp domain.ThreeWay[F], labels map[string]string, base, current, typed fieldReader) []views.ConflictRow {
	rows := bannerRows(cmp.Conflicts, views.ChangedByBoth, labels, base, current, typed)
	for i, r := range rows {
		if r.Kind == views.ChangedByBoth && isLines(cmp.Proposed, r.Field) {
			rows[i].Parts = domain.TextParts(r.Base, r.Theirs, r.Yours)
		}
	}
	rows = append(rows, bannerRows(cmp.Theirs, views.ChangedByThem, labels, base, current, typed)...)
	return append(rows, bannerRows(cmp.Yours, views.ChangedByYou, labels, base, current, typed)...)
}

// bannerRows builds one banner row per field. base is nil when the starting
// version is unknown, typed is nil for writes that typed no fields.
func bannerRows(fields []string, kind string, labels map[string]string, base, current, typed fieldReader) []views.ConflictRow {
	out := make([]views.ConflictRow, 0, len(fields))
	for _, name := range fields {
		row := views.ConflictRow{Field: name, Label: labels[name], Kind: kind, Theirs: current.Get(name)}
		if base != nil {
			row.Base = base.Get(name)
		} else if kind == views.ChangedByBoth {
			row.Kind = views.ChangedUnknown
		}
		if typed != nil {
			row.Yours = typed.Get(name)
		}
		out = append(out, row)
	}
	return out
}

// isLines reports whether field of f is multi-line text, which a conflict
// shows stretch by stretch: a field set that merges lines says whether a
// field is one by taking a text for it.
func isLines[F any](f F, field string) bool {
	lm, ok := any(f).(domain.LineMerger[F])
	if !ok {
		return false
	}
	_, ok = lm.WithLines(field, "")
	return ok
}
