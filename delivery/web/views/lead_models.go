package views

import (
	"fmt"
	"net/url"

	"crm/domain/lead"
)

// LeadFieldLabels names each lead field as the form shows it.
var LeadFieldLabels = map[string]string{
	lead.FieldName: "Name", lead.FieldEmail: "Email", lead.FieldCompany: "Company",
	lead.FieldPhone: "Phone", lead.FieldSource: "Source", lead.FieldScore: "Score",
	lead.FieldNotes: "Notes", lead.FieldStatus: "Status",
}

// LeadForm fills a form with f, to save at version.
func LeadForm(f lead.Fields, version int64) Form {
	values := make(map[string]string, len(lead.EditableFields))
	for _, name := range lead.EditableFields {
		values[name] = f.Get(name)
	}
	return Form{Prefix: lead.Kind, Values: values, Version: version}
}

// LeadView is the lead page's editor.
type LeadView = Editor[*lead.Lead]

// LeadListView is the lead list: filters, tab counts and one page of leads.
type LeadListView struct {
	Status lead.Status
	Search string
	Counts map[lead.Status]int
	Leads  []*lead.Lead
	Next   int64
	Notice string
}

// NoneAtAll says the CRM has no lead yet (not that none matches a search or
// a tab): the list then says how to add one.
func (v LeadListView) NoneAtAll() bool { return v.Search == "" && v.Counts != nil && v.Total() == 0 }

// Total is the number of leads matching the search, across statuses.
func (v LeadListView) Total() int {
	n := 0
	for _, c := range v.Counts {
		n += c
	}
	return n
}

// ListURL is the list's URL for a status tab and the page after cursor
// after, keeping the search.
func (v LeadListView) ListURL(status lead.Status, after int64) string {
	return listURL("/leads", url.Values{"status": {string(status)}, "q": {v.Search}}, after)
}

func leadURL(l *lead.Lead) string { return RecordURL(lead.Kind, l.ID()) }

// leadMoves are the status moves the state machine allows from where the
// lead stands.
func leadMoves(v LeadView) Moves {
	l := v.Record
	m := Moves{Kind: lead.Kind, Name: "Status", Field: lead.FieldStatus, URL: leadURL(l) + "/status",
		Final: "A converted lead stays converted.", Error: v.ActionError}
	for _, s := range l.NextStatuses() {
		c := MoveChoice{State: string(s), Label: s.Label()}
		if s == lead.StatusConverted {
			// Converting creates a contact and a deal, so it has a page of
			// its own rather than a one-click move.
			c.Label, c.Href, c.Note = "Convert…", convertURL(l), fmt.Sprintf("(needs score ≥ %d)", lead.ConvertMinScore)
		}
		m.Choices = append(m.Choices, c)
	}
	return m
}

// leadTabs are the status tabs of the lead list, with their counts when
// the list has them (not while searching).
func leadTabs(v LeadListView) []Tab {
	count := func(n int) *int {
		if v.Counts == nil {
			return nil
		}
		return &n
	}
	tabs := []Tab{{URL: v.ListURL("", 0), Label: "All", TestID: "tab-", Current: v.Status == "", Count: count(v.Total())}}
	for _, s := range lead.Statuses {
		tabs = append(tabs, Tab{URL: v.ListURL(s, 0), Label: s.Label(), TestID: "tab-" + string(s), Current: v.Status == s,
			Count: count(v.Counts[s])})
	}
	return tabs
}

// Matches says how many leads a search found, from the first page: its
// rows, or more than a page when there is a next one.
func (v LeadListView) Matches() string {
	switch n := len(v.Leads); {
	case v.Next > 0:
		return fmt.Sprintf("More than %d leads match.", n)
	case n == 1:
		return "1 lead matches."
	default:
		return fmt.Sprintf("%d leads match.", n)
	}
}
