package web

import (
	"fmt"
	"strings"
	"time"

	"crm/delivery/web/views"
	"crm/domain/lead"
	"crm/usecase/conflict"
	"crm/usecase/leads"
)

// conflictView builds the lead page for a write that lost the race: the lead
// as saved now, the banner, and for a field save a form that holds the rep's
// own changes on top of the current values, at the current version.
func conflictView(c *leads.ConflictError, action string) views.LeadView {
	cur := c.Current
	banner := newBanner(lead.Kind, action, c.Lock.Expected, cur.Version(), cur.UpdatedBy(), cur.UpdatedAt())
	form := views.FormFromLead(cur)
	var base fieldReader
	if c.Base != nil {
		base = c.Base.Fields()
	}

	if action == "save" && c.Yours != nil {
		for _, name := range lead.EditableFields {
			form.Values[name] = c.Compare.Proposed.Get(name)
		}
		banner.Rows = compareRows(c.Compare.Conflicts, c.Compare.Theirs, c.Compare.Yours, views.FieldLabels, base, cur.Fields(), c.Yours)
		return views.LeadView{Lead: cur, Form: form, Conflict: banner}
	}

	// A status move or a delete that lost: show what changed since the
	// version the rep was looking at.
	banner.Rows = leadChanges(c.Base, cur)
	if c.WantedStatus != "" {
		banner.WantedStatus = c.WantedStatus.Label()
	}
	return views.LeadView{Lead: cur, Form: form, Conflict: banner}
}

// leadChanges lists what changed on a lead from base to cur, fields then
// status, for a write that typed no fields; none when base is unknown.
func leadChanges(base, cur *lead.Lead) []views.ConflictRow {
	if base == nil {
		return nil
	}
	rows := bannerRows(base.Fields().Changed(cur.Fields()), views.ChangedByThem, views.FieldLabels, base.Fields(), cur.Fields(), nil)
	if base.Status() != cur.Status() {
		rows = append(rows, views.ConflictRow{Field: lead.FieldStatus, Label: views.FieldLabels[lead.FieldStatus],
			Kind: views.ChangedByThem, Base: base.Status().Label(), Theirs: cur.Status().Label()})
	}
	return rows
}

// mergeNotice tells a rep how their save from an old version was merged:
// whose changes were kept and which of theirs were saved, e.g. "Merged with
// maria's save (version 3): kept their change to Phone; saved your Score."
func mergeNotice(m *conflict.Merge, labels map[string]string, now int64) string {
	msg := fmt.Sprintf("Merged with %s's save (version %d)", views.Who(m.By), m.Onto)
	if len(m.Kept) > 0 {
		msg += ": kept their change to " + fieldList(m.Kept, labels)
	}
	switch {
	case len(m.Applied) > 0:
		msg += "; saved your " + fieldList(m.Applied, labels) + "."
	default:
		msg += ". They had already saved the same changes as yours."
	}
	return msg + fmt.Sprintf(" This is now version %d.", now)
}

// savedNotice says what a save from version did to the aggregate of noun
// now at version now: saved, merged (see mergeNotice), or nothing to save.
func savedNotice(noun string, m *conflict.Merge, labels map[string]string, version, now int64) string {
	switch {
	case m != nil:
		return mergeNotice(m, labels, now)
	case now == version:
		return "Nothing to save: no field was changed."
	}
	return fmt.Sprintf("Saved. This %s is now at version %d.", noun, now)
}

// movedNotice says where a move took the aggregate of noun, now at version
// now, and how it was merged when it started from an old version.
func movedNotice(noun, to string, m *conflict.Merge, labels map[string]string, now int64) string {
	if m != nil {
		return fmt.Sprintf("Moved to %s. ", to) + mergeNotice(m, labels, now)
	}
	return fmt.Sprintf("Moved to %s. This %s is now at version %d.", to, noun, now)
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

// newBanner starts the conflict banner of any aggregate. current is the
// version the re-rendered form starts from, which may be newer than the one
// the failed save met.
func newBanner(noun, action string, base, current int64, savedBy string, savedAt time.Time) *views.Conflict {
	return &views.Conflict{Noun: noun, Action: action, BaseVersion: base,
		CurrentVersion: current, SavedBy: savedBy, SavedAt: savedAt}
}

// compareRows lists a three-way comparison's fields for the banner:
// conflicts first, then their changes, then yours.
func compareRows(conflicts, theirs, yours []string, labels map[string]string, base, current, typed fieldReader) []views.ConflictRow {
	rows := bannerRows(conflicts, views.ChangedByBoth, labels, base, current, typed)
	rows = append(rows, bannerRows(theirs, views.ChangedByThem, labels, base, current, typed)...)
	return append(rows, bannerRows(yours, views.ChangedByYou, labels, base, current, typed)...)
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
