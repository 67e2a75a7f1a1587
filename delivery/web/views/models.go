// Package views holds the templ components of the web pages and the plain
// structs they render. Components are named for what they show; those every
// kind of record shares (the editor, the move actions, the list and the
// create form) are shells its own components fill.
package views

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"crm/domain"
)

// Form is a record's form as it should appear: the values to put in the
// inputs (exactly as typed, even when invalid), a message per field and the
// version the next save starts from.
type Form struct {
	Prefix  string // the input ids' prefix, e.g. "lead" gives "lead-name"
	Values  map[string]string
	Errors  map[string]string
	Version int64
}

// Editor is the editable part of any record's page: header, notices, the
// edit form, the record's actions and its history. Everything that carries
// a version lives in it, so one swap keeps every form on the page at the
// current version.
type Editor[A any] struct {
	Record   A
	Form     Form
	Notice   string
	Conflict *Conflict
	// ActionError is a rule violation of a move, shown by its buttons.
	ActionError string
	// Unsaved says the form holds values that are not the record's saved
	// ones (what the rep typed, sent back by a refused or lost write): the
	// page warns before leaving it, as it does for typing.
	Unsaved bool
	// Deleted is set when the record is deleted: the page then says who
	// deleted it and offers to restore it instead of saving.
	Deleted *Deleted
	History HistoryView
}

// Deleted is what a record's page says of it while it is deleted.
type Deleted struct {
	Noun  string // "lead", "contact", "deal"
	By    string
	ByYou bool // the rep looking deleted it, here or in another tab
	At    time.Time
	// Action is the write that met the delete ("save", "status", "delete"),
	// empty when the rep only opened the page.
	Action string
	// Typed says the form holds what the rep typed, kept from the write the
	// delete refused: restoring can save it.
	Typed bool
}

// Deleter names who deleted the record, as the banner's sentences read it.
func (d Deleted) Deleter() string {
	if d.ByYou {
		return "You"
	}
	return Who(d.By)
}

// Conflict is what the banner shows after a write that started from an old
// version: who saved since, and field by field what changed.
type Conflict struct {
	Noun           string // what was changed: "lead", "contact", "deal"
	Action         string // "save", "status", "delete" or "convert"
	BaseVersion    int64
	CurrentVersion int64
	SavedBy        string
	// ByYou says the one who saved since is the rep looking, in another
	// tab or by a second click.
	ByYou        bool
	SavedAt      time.Time
	Rows         []ConflictRow
	WantedStatus string // for a move that lost, as reps read it
	// Typed says the write carried fields the rep typed: the rows then
	// show them beside the saved values.
	Typed bool
}

// Row kinds: who changed a field since the rep's starting version.
const (
	ChangedByBoth  = "both"
	ChangedByThem  = "theirs"
	ChangedByYou   = "yours"
	ChangedUnknown = "unknown"
	maxCellPreview = 300
)

// ConflictRow is one field in the conflict banner.
type ConflictRow struct {
	Field  string
	Label  string
	Kind   string
	Base   string // "" when the starting version is unknown
	Theirs string
	Yours  string
	// Parts are a multi-line text's stretches when both changed the same
	// lines of it and the starting version is known: the page shows the
	// conflicts one by one (TextConflict); nil for every other field.
	Parts []domain.TextPart
}

// Saver names who saved since, as the banner's sentences read it.
func (c Conflict) Saver() string {
	if c.ByYou {
		return "you, in another tab"
	}
	return Who(c.SavedBy)
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

// ErrorView is a short message page (404, 400, 500, 503).
type ErrorView struct {
	Status  int
	Title   string
	Message string
}

// RecordURL is the page of record id of kind.
func RecordURL(kind string, id int64) string { return fmt.Sprintf("/%s/%d", Plural(kind), id) }

// Plural names the records of kind, as their addresses do: "leads",
// "entries".
func Plural(kind string) string {
	if strings.HasSuffix(kind, "y") {
		return strings.TrimSuffix(kind, "y") + "ies"
	}
	return kind + "s"
}

// listURL is the URL of the list at path with the query q, leaving out
// the parameters that are empty, and the page cursor after when it is 0.
func listURL(path string, q url.Values, after int64) string {
	for k, v := range q {
		if len(v) == 0 || v[0] == "" {
			q.Del(k)
		}
	}
	if after > 0 {
		q.Set("after", fmt.Sprint(after))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

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

// when is t as reps read it in loc, their zone, with the year when it is
// not this year's there.
func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if t.Year() != time.Now().In(loc).Year() {
		return t.Format("Jan 2, 2006, 15:04:05")
	}
	return t.Format("Jan 2, 15:04:05")
}

// exactly is t in full in loc, zone included, for the title of a <time>.
func exactly(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon Jan 2, 2006, 15:04:05 MST")
}

// ago says when t was, seen at now by a rep in loc, as they say it after
// a verb ("saved by Ann …"): "just now", "5 min ago", "3 h ago" the same
// day there, else "on" and the date (with the year when it is not this
// year's).
func ago(t, now time.Time, loc *time.Location) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "on " + when(t, loc) // a clock ahead of this one
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour && t.In(loc).YearDay() == now.In(loc).YearDay():
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return "on " + when(t, loc)
}

// Who names whoever saved, or "someone" when nobody was recorded.
func Who(s string) string {
	if s == "" {
		return "someone"
	}
	return s
}

// telNumber is phone as a tel: link dials it: its digits, with a leading
// + kept, spaces, dashes and brackets left out, and nothing from the first
// letter on (an extension, "x12", is dialled by hand).
func telNumber(phone string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case unicode.IsLetter(r):
			return b.String()
		case (r >= '0' && r <= '9') || (r == '+' && i == 0):
			b.WriteRune(r)
		}
	}
	return b.String()
}
