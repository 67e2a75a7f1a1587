package imports

import (
	"slices"
	"strings"
	"unicode"

	"crm/domain"
)

// Names of the two targets that are parts of a name rather than fields:
// many exports (HubSpot's, Outlook's, a phone's) split a person's name in
// two columns, which the import joins into the record's name.
const (
	TargetFirstName = "first_name"
	TargetLastName  = "last_name"
)

// Target is what a column can be imported as: one of a kind's fields, or
// a part of its name.
type Target struct {
	Field string // e.g. "email", or TargetFirstName
	Label string // as reps read it, e.g. "Email"
	// Synonyms are the header names that are mapped to it on their own,
	// in the form key gives them ("emailaddress" for "E-mail address").
	Synonyms []string
}

// Mapping says what each column of a file is imported as: the target
// field of column i, or "" when the column is ignored.
type Mapping []string

// key reduces a header to what names it: lower case letters and digits,
// so "E-mail", "e_mail" and "Email" are one name.
func key(header string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(header) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// autoMap maps each header to the target it names, compared as key
// compares them; a header that names no target, or one an earlier column
// took, is ignored.
func autoMap(targets []Target, header []string) Mapping {
	m := make(Mapping, len(header))
	taken := map[string]bool{}
	for i, h := range header {
		k := key(h)
		for _, t := range targets {
			if taken[t.Field] || !(k == key(t.Field) || k == key(t.Label) || slices.Contains(t.Synonyms, k)) {
				continue
			}
			m[i], taken[t.Field] = t.Field, true
			break
		}
	}
	return m
}

// check refuses a mapping that cannot be imported: one of another
// length than the header, a target that is not the kind's, two columns
// mapped to one field, or no column giving the name.
func (m Mapping) check(targets []Target, header []string, nameField string) error {
	if len(m) != len(header) {
		return refuse("The mapping has %d columns but the file has %d. Reload the page and map them again.", len(m), len(header))
	}
	seen := map[string]int{}
	for i, field := range m {
		if field == "" {
			continue
		}
		t, ok := targetOf(targets, field)
		if !ok {
			return refuse("%q is not something a column can be imported as.", field)
		}
		if j, dup := seen[field]; dup {
			return refuse("Both %s and %s are mapped to %s: choose one, and ignore the other.",
				ColumnName(header, j), ColumnName(header, i), t.Label)
		}
		seen[field] = i
	}
	_, name := seen[nameField]
	_, first := seen[TargetFirstName]
	_, last := seen[TargetLastName]
	switch {
	case name && (first || last):
		return refuse("Map either Name or First name and Last name, not both.")
	case !name && !first && !last:
		return refuse("No column is mapped to Name, which every record needs: choose the column that holds the name.")
	}
	return nil
}

func targetOf(targets []Target, field string) (Target, bool) {
	for _, t := range targets {
		if t.Field == field {
			return t, true
		}
	}
	return Target{}, false
}

// ColumnName names column i of a file for the rep: its header in quotes,
// or its spreadsheet letter when the header cell is blank.
func ColumnName(header []string, i int) string {
	if i < len(header) && header[i] != "" {
		return quote(header[i])
	}
	return "column " + columnLetter(i)
}

// columnLetter is a spreadsheet's name of column i (0 → A, 26 → AA).
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// values reads the cells of one row as m maps them: field → cell, the
// name joined from its parts when it comes in two columns.
func (m Mapping) values(cells []string, nameField string) map[string]string {
	v := make(map[string]string, len(m))
	for i, field := range m {
		if field != "" && i < len(cells) {
			v[field] = cells[i]
		}
	}
	first, okFirst := v[TargetFirstName]
	last, okLast := v[TargetLastName]
	if okFirst || okLast {
		v[nameField] = strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
		delete(v, TargetFirstName)
		delete(v, TargetLastName)
	}
	return v
}

// formula returns the first mapped cell of a row that a spreadsheet would
// run as a formula, and its column, or "" when none would.
//
// The row is refused (invalid), not the whole file. A CSV cell is text:
// "=HYPERLINK(…)" does no harm in the CRM, only in a spreadsheet that a
// later export opens, where it runs (CSV injection). Keeping such cells
// out of the CRM is enough to prevent that, and the other rows of a file
// of thousands need not wait for one cell a web form or a prankster put
// there: the dry run names each such row before anything is written, and
// the rep can fix the file or import without them.
func (m Mapping) formula(header []string, cells []string) (column, cell string) {
	for i, field := range m {
		if field != "" && i < len(cells) && LooksLikeFormula(cells[i]) {
			return ColumnName(header, i), cells[i]
		}
	}
	return "", ""
}

// LooksLikeFormula reports whether a spreadsheet would take cell as a
// formula: it starts (after white space, which spreadsheets skip) with =
// or @, or with + or - not followed by a digit, a space or "(", so phone
// numbers ("+44 20 7946 0958", "+(351) …") and negative numbers stay
// text, as does a lone "-".
func LooksLikeFormula(cell string) bool {
	s := strings.TrimLeftFunc(cell, unicode.IsSpace)
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '@':
		return true
	case '+', '-':
		if len(s) == 1 {
			return false
		}
		next := s[1]
		return !(next >= '0' && next <= '9' || next == ' ' || next == '(')
	}
	return false
}

// fold is the form in which two emails (or names) are the same: as the
// domain stores them (trimmed, in NFC), in lower case, as the database's
// one-contact-per-email index compares them.
func fold(s string) string {
	return strings.ToLower(domain.NFC(strings.TrimSpace(s)))
}

// NameCompany is a name and a company in the form duplicates are found
// by: trimmed, in NFC, in lower case.
type NameCompany struct{ Name, Company string }

func nameCompanyKey(name, company string) NameCompany {
	return NameCompany{Name: fold(name), Company: fold(company)}
}
