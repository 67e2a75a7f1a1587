package views

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"crm/delivery/leadquery"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// BulkFormID is the id of the lead list's bulk change form, which the
// rows' checkboxes belong to by their form attribute: they sit in the
// table, outside it.
const BulkFormID = "bulk-form"

// LeadBulk is the lead list's bulk change: the form as it comes back, and
// the report of the change just made.
type LeadBulk struct {
	Selected map[int64]bool // the leads ticked when the form comes back
	All      bool           // "all leads matching this view" ticked
	Status   string         // the change as posted
	Source   string
	Owner    string // the owner select's choice: "" for no change (see ownerKeep)
	Problem  string // why the form was refused, "" when it was not
	Report   *BulkReport
}

// open reports whether the bulk form shows even with no lead ticked: it
// comes back with something to say or keep.
func (b LeadBulk) open() bool { return b.Problem != "" || b.All }

// BulkReport is what a bulk change did, as the rep who made it reads it.
type BulkReport struct {
	leads.BulkReport
	You string // the rep who made it: their own saves are "you"
	// Unlisted says the list could not be read again after the change,
	// so the page shows the report alone.
	Unlisted bool
	Back     string         // the list, with the view the change was made from
	Loc      *time.Location // the rep's zone, for the dates it names
	// Owners names an owner by its text (a user's id, "" for nobody), for
	// a change of the owner; see OwnerNamer.
	Owners func(text string) string
}

// OwnerNamer names owners, by their text, as the pages of ctx's request do.
func OwnerNamer(ctx context.Context) func(text string) string {
	return func(text string) string { return ownerLabel(ctx, text) }
}

// ViewQuery is the view, as the bulk form carries it to "all leads
// matching this view" and back to the list.
func (v LeadListView) ViewQuery() string { return leadquery.Encode(v.Query, v.Loc).Encode() }

// bulkValue is what a lead's checkbox posts: its id and the version shown.
func bulkValue(l *lead.Lead) string { return fmt.Sprintf("%d:%d", l.ID(), l.Version()) }

// Title says what the change was and to how many leads.
func (r BulkReport) Title() string {
	what := "Status changed to " + r.Change.Status.Label()
	if r.Change.Owner != nil {
		what = "Given to " + r.shown(r.Change.Value())
		if *r.Change.Owner == 0 {
			what = "Unassigned"
		}
	}
	if r.Change.Source != nil {
		what = fmt.Sprintf("Source set to “%s”", r.Change.Value())
		if r.Change.Value() == "" {
			what = "Source cleared"
		}
	}
	if r.Stopped != nil {
		return fmt.Sprintf("%s: stopped after %s", what, leadCount(len(r.Outcomes)))
	}
	return fmt.Sprintf("%s: %s", what, leadCount(len(r.Outcomes)))
}

// Counts says how many leads had each result, those with none left out.
func (r BulkReport) Counts() string {
	var parts []string
	for _, res := range leads.BulkResults {
		if n := r.Count(res); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, bulkWords[res].count))
		}
	}
	if len(parts) == 0 {
		return "No lead was changed."
	}
	return strings.Join(parts, ", ") + "."
}

// BulkGroup is the leads of a report with one result.
type BulkGroup struct {
	Result   leads.BulkResult
	Summary  string
	Open     bool // what the rep must look at is open from the start
	Outcomes []leads.BulkOutcome
}

// Groups are the report's leads by result, those that need the rep first.
func (r BulkReport) Groups() []BulkGroup {
	var out []BulkGroup
	for _, res := range leads.BulkResults {
		g := BulkGroup{Result: res, Open: bulkWords[res].open}
		for _, o := range r.Outcomes {
			if o.Result == res {
				g.Outcomes = append(g.Outcomes, o)
			}
		}
		if len(g.Outcomes) > 0 {
			g.Summary = fmt.Sprintf("%s (%d): %s", bulkWords[res].title, len(g.Outcomes), bulkWords[res].summary)
			out = append(out, g)
		}
	}
	return out
}

// bulkWords are how a report names each result.
var bulkWords = map[leads.BulkResult]struct {
	count, title, summary string
	open                  bool
}{
	leads.BulkConflict:  {"in conflict", "Conflicts", "changed by someone else since you looked; nothing written, open each to decide", true},
	leads.BulkRefused:   {"refused", "Refused", "a rule does not allow it; nothing written", true},
	leads.BulkGone:      {"gone", "Gone", "deleted; nothing written", true},
	leads.BulkMerged:    {"merged", "Merged", "changed on top of a newer save, whose changes are kept", true},
	leads.BulkChanged:   {"changed", "Changed", "changed from the version you saw", false},
	leads.BulkUnchanged: {"unchanged", "Unchanged", "already so; nothing written", false},
}

// Linked reports whether o's lead has a page to link to.
func (r BulkReport) Linked(o leads.BulkOutcome) bool { return o.Name != "" }

// Detail says what the change did to o's lead, after its name.
func (r BulkReport) Detail(o leads.BulkOutcome) string {
	who := r.who(o.By)
	switch o.Result {
	case leads.BulkChanged:
		return fmt.Sprintf("changed (version %d).", o.Version)
	case leads.BulkMerged:
		if len(o.Fields) == 0 {
			return fmt.Sprintf("changed on top of %s newer save (version %d).", possessive(who), o.Version)
		}
		return fmt.Sprintf("changed on top of %s newer save, keeping their change to %s (version %d).",
			possessive(who), fieldNames(o.Fields), o.Version)
	case leads.BulkUnchanged:
		now := shownValue(r.shown(o.Now))
		if o.By != "" {
			return fmt.Sprintf("already %s: %s set it since you saw version %d (now version %d); nothing written.", now, who, o.Seen, o.Version)
		}
		return fmt.Sprintf("already %s; nothing written.", now)
	case leads.BulkConflict:
		return r.conflict(o, who)
	case leads.BulkRefused:
		return o.Message + " Nothing written."
	case leads.BulkGone:
		if o.By != "" {
			return fmt.Sprintf("deleted by %s on %s; it is in the Trash. Nothing written.", who, when(o.At, r.Loc))
		}
		return "does not exist. Nothing written."
	}
	return ""
}

func (r BulkReport) conflict(o leads.BulkOutcome, who string) string {
	since := fmt.Sprintf("since you saw version %d (now version %d): nothing written. Open it to decide.", o.Seen, o.Version)
	switch {
	case len(o.Fields) == 1 && o.Fields[0] == lead.FieldStatus:
		return fmt.Sprintf("%s moved it to %s %s", who, lead.Status(o.Now).Label(), since)
	case len(o.Fields) == 1 && o.Fields[0] == lead.FieldSource && o.Now == "":
		return fmt.Sprintf("%s cleared its source %s", who, since)
	case len(o.Fields) == 1 && o.Fields[0] == lead.FieldSource:
		return fmt.Sprintf("%s set its source to “%s” %s", who, preview(o.Now), since)
	case len(o.Fields) == 1 && o.Fields[0] == lead.FieldOwner && o.Now == "":
		return fmt.Sprintf("%s unassigned it %s", who, since)
	case len(o.Fields) == 1 && o.Fields[0] == lead.FieldOwner:
		return fmt.Sprintf("%s gave it to %s %s", who, r.shown(o.Now), since)
	}
	return fmt.Sprintf("%s saved it %s", who, since)
}

// shown is a value of the field the change writes, as a rep reads it.
func (r BulkReport) shown(value string) string {
	switch {
	case r.Change.Source != nil:
		return value
	case r.Change.Owner != nil && r.Owners != nil:
		return r.Owners(value)
	case r.Change.Owner != nil:
		return value
	}
	return lead.Status(value).Label()
}

// StoppedAt is the lead a stopped change was writing, as a link's text.
func (r BulkReport) StoppedAt() string { return fmt.Sprintf("lead #%d", r.Stopped.ID) }

// StoppedURL is that lead's page.
func (r BulkReport) StoppedURL() string { return RecordURL(lead.Kind, r.Stopped.ID) }

// Untouched says how many leads a stopped change did not reach.
func (r BulkReport) UntouchedLeads() string { return leadCount(r.Untouched) }

func (r BulkReport) who(by string) string {
	if by != "" && by == r.You {
		return "you"
	}
	return Who(by)
}

func possessive(who string) string {
	if who == "you" {
		return "your"
	}
	return who + "'s"
}

func fieldNames(fields []string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = LeadFieldLabels[f]
	}
	return strings.Join(names, ", ")
}

func leadCount(n int) string {
	if n == 1 {
		return "1 lead"
	}
	return fmt.Sprintf("%d leads", n)
}

// thousands writes n with a comma between thousands: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// bulkOutcomeURL is the page of o's lead.
func bulkOutcomeURL(o leads.BulkOutcome) string { return RecordURL(lead.Kind, o.ID) }
