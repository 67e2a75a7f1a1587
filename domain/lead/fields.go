package lead

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"crm/domain"
)

// Limits on what a lead may hold. The database has the same CHECKs.
const (
	MaxNameLen  = 200
	MaxTextLen  = 200 // company, source
	MaxEmailLen = 254
	MaxPhoneLen = 40
	MaxNotesLen = 10_000
	MinScore    = 0
	MaxScore    = 100
)

// Field names, as used in forms, validation errors and change lists.
const (
	FieldName    = "name"
	FieldEmail   = "email"
	FieldCompany = "company"
	FieldPhone   = "phone"
	FieldSource  = "source"
	FieldScore   = "score"
	FieldNotes   = "notes"
	FieldStatus  = "status"
)

// EditableFields lists the fields a rep edits in the lead form, in form order.
var EditableFields = []string{FieldName, FieldEmail, FieldCompany, FieldPhone, FieldSource, FieldScore, FieldNotes}

// Fields are the parts of a lead a rep edits directly. Status is not among
// them: it changes only through the state machine.
type Fields struct {
	Name    string
	Email   string
	Company string
	Phone   string
	Source  string
	Score   int
	Notes   string
}

// Normalize trims surrounding white space from the one-line fields, so
// "  Ada " and "Ada" are the same name. Notes keep their layout.
func (f Fields) Normalize() Fields {
	f.Name = strings.TrimSpace(f.Name)
	f.Email = strings.TrimSpace(f.Email)
	f.Company = strings.TrimSpace(f.Company)
	f.Phone = strings.TrimSpace(f.Phone)
	f.Source = strings.TrimSpace(f.Source)
	return f
}

// Validate checks every field and reports all problems at once as a
// *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	switch n := utf8.RuneCountInString(f.Name); {
	case n == 0:
		v.Add(FieldName, "Name is required.")
	case n > MaxNameLen:
		v.Add(FieldName, fmt.Sprintf("Name is %d characters; the limit is %d.", n, MaxNameLen))
	}
	checkLine(&v, FieldName, "Name", f.Name)
	if f.Email != "" {
		if msg := emailProblem(f.Email); msg != "" {
			v.Add(FieldEmail, msg)
		}
	}
	checkText(&v, FieldCompany, "Company", f.Company, MaxTextLen)
	if msg := phoneProblem(f.Phone); msg != "" {
		v.Add(FieldPhone, msg)
	}
	checkText(&v, FieldSource, "Source", f.Source, MaxTextLen)
	if f.Score < MinScore || f.Score > MaxScore {
		v.Add(FieldScore, fmt.Sprintf("Score must be between %d and %d; got %d.", MinScore, MaxScore, f.Score))
	}
	if n := utf8.RuneCountInString(f.Notes); n > MaxNotesLen {
		v.Add(FieldNotes, fmt.Sprintf("Notes are %d characters; the limit is %d.", n, MaxNotesLen))
	}
	if !utf8.ValidString(f.Notes) || strings.ContainsRune(f.Notes, 0) {
		v.Add(FieldNotes, "Notes contain characters that are not text.")
	}
	return v.Err()
}

// Changed lists the fields whose values differ between f and g, in form order.
func (f Fields) Changed(g Fields) []string {
	var out []string
	for _, name := range EditableFields {
		if f.Get(name) != g.Get(name) {
			out = append(out, name)
		}
	}
	return out
}

// Get returns a field's value as text, the form in which reps see it.
func (f Fields) Get(name string) string {
	switch name {
	case FieldName:
		return f.Name
	case FieldEmail:
		return f.Email
	case FieldCompany:
		return f.Company
	case FieldPhone:
		return f.Phone
	case FieldSource:
		return f.Source
	case FieldScore:
		return fmt.Sprint(f.Score)
	case FieldNotes:
		return f.Notes
	}
	return ""
}

func checkText(v *domain.ValidationError, field, label, s string, limit int) {
	if n := utf8.RuneCountInString(s); n > limit {
		v.Add(field, fmt.Sprintf("%s is %d characters; the limit is %d.", label, n, limit))
		return
	}
	checkLine(v, field, label, s)
}

// checkLine refuses control characters and broken UTF-8 in one-line fields:
// they cannot be typed into an input and only arrive from scripts. Line
// separators and bidirectional overrides are refused too: they break a
// line or make a name read differently from what is stored.
func checkLine(v *domain.ValidationError, field, label, s string) {
	if !utf8.ValidString(s) {
		v.Add(field, label+" contains characters that are not text.")
		return
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || unicode.Is(unicode.Bidi_Control, r) {
			v.Add(field, label+" must be a single line of text.")
			return
		}
	}
}

func emailProblem(s string) string {
	const msg = "Email must look like name@example.com."
	if utf8.RuneCountInString(s) > MaxEmailLen {
		return fmt.Sprintf("Email is longer than %d characters.", MaxEmailLen)
	}
	addr, err := mail.ParseAddress(s)
	// ParseAddress also accepts "Ada <ada@example.com>"; a lead's email is
	// the bare address only.
	if err != nil || addr.Address != s || addr.Name != "" {
		return msg
	}
	at := strings.LastIndexByte(s, '@')
	if domainPart := s[at+1:]; !strings.Contains(domainPart, ".") || strings.HasPrefix(domainPart, "[") {
		return msg
	}
	return ""
}

func phoneProblem(s string) string {
	if s == "" {
		return ""
	}
	if utf8.RuneCountInString(s) > MaxPhoneLen {
		return fmt.Sprintf("Phone is longer than %d characters.", MaxPhoneLen)
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().x/", r):
		default:
			return "Phone may hold digits, spaces and + - ( ) . / x only."
		}
	}
	if digits < 3 {
		return "Phone needs at least 3 digits."
	}
	return ""
}
