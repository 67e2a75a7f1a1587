package web

import (
	"crm/delivery/web/views"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// conflictView builds the lead page for a write that lost the race: the lead
// as saved now, the banner, and for a field save a form that holds the rep's
// own changes on top of the current values, at the current version.
func conflictView(c *leads.ConflictError, action string) views.LeadView {
	cur := c.Current
	banner := &views.Conflict{
		Action:         action,
		BaseVersion:    c.Lock.Expected,
		CurrentVersion: cur.Version(),
		SavedBy:        cur.UpdatedBy(),
		SavedAt:        cur.UpdatedAt(),
	}
	form := views.FormFromLead(cur)

	if action == "save" && c.Yours != nil {
		cmp := c.Compare
		for _, name := range lead.EditableFields {
			form.Values[name] = cmp.Proposed.Get(name)
		}
		banner.Rows = append(banner.Rows, rows(c, cmp.Conflicts, views.ChangedByBoth)...)
		banner.Rows = append(banner.Rows, rows(c, cmp.Theirs, views.ChangedByThem)...)
		banner.Rows = append(banner.Rows, rows(c, cmp.Yours, views.ChangedByYou)...)
		return views.LeadView{Lead: cur, Form: form, Conflict: banner}
	}

	// A status move or a delete that lost: show what changed since the
	// version the rep was looking at.
	if c.Base != nil {
		base := c.Base.Fields()
		banner.Rows = rows(c, base.Changed(cur.Fields()), views.ChangedByThem)
		if c.Base.Status() != cur.Status() {
			banner.Rows = append(banner.Rows, views.ConflictRow{Field: lead.FieldStatus, Kind: views.ChangedByThem,
				Base: c.Base.Status().Label(), Theirs: cur.Status().Label()})
		}
	}
	banner.WantedStatus = c.WantedStatus
	return views.LeadView{Lead: cur, Form: form, Conflict: banner}
}

func rows(c *leads.ConflictError, fields []string, kind string) []views.ConflictRow {
	out := make([]views.ConflictRow, 0, len(fields))
	for _, name := range fields {
		row := views.ConflictRow{Field: name, Kind: kind, Theirs: c.Current.Fields().Get(name)}
		if c.Base != nil {
			row.Base = c.Base.Fields().Get(name)
		} else if kind == views.ChangedByBoth {
			row.Kind = views.ChangedUnknown
		}
		if c.Yours != nil {
			row.Yours = c.Yours.Get(name)
		}
		out = append(out, row)
	}
	return out
}
