// Package views holds the templ components of the web pages and the plain
// structs they render. Components are named for what they show.
package views

import (
	"fmt"
	"net/url"
	"time"

	"crm/domain/lead"
)

// FieldLabels names each lead field as the form shows it.
var FieldLabels = map[string]string{
	lead.FieldName: "Name", lead.FieldEmail: "Email", lead.FieldCompany: "Company",
	lead.FieldPhone: "Phone", lead.FieldSource: "Source", lead.FieldScore: "Score",
	lead.FieldNotes: "Notes", lead.FieldStatus: "Status",
}

// Form is a lead form as it should appear: the values to put in the inputs
// (exactly as typed, even when invalid), a message per field and the version
// the next save starts from.
type Form struct {
	Prefix  string // the input ids' prefix, e.g. "lead" gives "lead-name"
	Values  map[string]string
	Errors  map[string]string
	Version int64
}

// FormFromLead fills a form with a lead's saved values.
func FormFromLead(l *lead.Lead) Form {
	f := l.Fields()
	values := make(map[string]string, len(lead.EditableFields))
	for _, name := range lead.EditableFields {
		values[name] = f.Get(name)
	}
	return Form{Prefix: lead.Kind, Values: values, Version: l.Version()}
}

// LeadView is the lead page's editable part: header, notices, the edit form
// and the status and delete actions. Everything that carries a version lives
// in it, so one swap keeps every form on the page at the current version.
type LeadView struct {
	Lead     *lead.Lead
	Form     Form
	Notice   string
	Conflict *Conflict
	// ActionError is a rule violation of a status move, shown by its buttons.
	ActionError string
	History     HistoryView
}

// Conflict is what the banner shows after a save that started from an old
// version: who saved since, and field by field what changed.
type Conflict struct {
	Noun           string // what was changed: "lead", "contact", "deal"
	Action         string // "save", "status", "delete" or "convert"
	BaseVersion    int64
	CurrentVersion int64
	SavedBy        string
	SavedAt        time.Time
	Rows           []ConflictRow
	WantedStatus   string // for a status move that lost, as reps read it
}

// Row kinds: who changed a field since the rep's starting version.
const (
	ChangedByBoth   = "both"
	ChangedByThem   = "theirs"
	ChangedByYou    = "yours"
	ChangedUnknown  = "unknown"
	maxCellPreview  = 300
	timeLayoutShort = "Jan 2, 15:04:05"
)

// ConflictRow is one field in the conflict banner.
type ConflictRow struct {
	Field  string
	Label  string
	Kind   string
	Base   string // "" when the starting version is unknown
	Theirs string
	Yours  string
}

// Row returns the banner row for field, if it has one.
func (c *Conflict) Row(field string) (ConflictRow, bool) {
	if c == nil {
		return ConflictRow{}, false
	}
	for _, r := range c.Rows {
		if r.Field == field {
			return r, true
		}
	}
	return ConflictRow{}, false
}

// ListView is the lead list: filters, tab counts and one page of leads.
type ListView struct {
	Status lead.Status
	Search string
	Counts map[lead.Status]int
	Leads  []*lead.Lead
	Next   int64
	Notice string
}

// Total is the number of leads matching the search, across statuses.
func (v ListView) Total() int {
	n := 0
	for _, c := range v.Counts {
		n += c
	}
	return n
}

// ListURL is the list's URL for a status tab, keeping the search.
func (v ListView) ListURL(status lead.Status, after int64) string {
	q := url.Values{}
	if status != "" {
		q.Set("status", string(status))
	}
	if v.Search != "" {
		q.Set("q", v.Search)
	}
	if after > 0 {
		q.Set("after", fmt.Sprint(after))
	}
	if len(q) == 0 {
		return "/leads"
	}
	return "/leads?" + q.Encode()
}

// NewLeadView is the create form.
type NewLeadView struct {
	Form Form
}

// ErrorView is a short message page (404, 400, 500, 503).
type ErrorView struct {
	Status  int
	Title   string
	Message string
}

func leadURL(l *lead.Lead) string { return fmt.Sprintf("/leads/%d", l.ID()) }

func preview(s string) string {
	r := []rune(s)
	if len(r) > maxCellPreview {
		return string(r[:maxCellPreview]) + "…"
	}
	return s
}

func shownValue(s string) string {
	if s == "" {
		return "(empty)"
	}
	return preview(s)
}

func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(timeLayoutShort)
}

// Who names whoever saved, or "someone" when nobody was recorded.
func Who(s string) string {
	if s == "" {
		return "someone"
	}
	return s
}
