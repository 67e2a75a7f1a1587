package imports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"crm/domain"
)

// Outcome is what an import plans for a row (Create, Update, Duplicate,
// Invalid) and, once run, what it did (Created, Updated, Unchanged,
// Conflict; a duplicate or invalid row stays as planned).
type Outcome string

// What a dry run plans for a row.
const (
	Create    Outcome = "create"
	Update    Outcome = "update"
	Duplicate Outcome = "duplicate"
	Invalid   Outcome = "invalid"
)

// What the import did with a row.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	// Conflict is an update whose record was saved (or deleted) since the
	// dry run: it is not overwritten.
	Conflict Outcome = "conflict"
)

// Result is one row of an import's report: what the dry run planned for
// it and why, and once imported what was done.
type Result struct {
	Seq     int // the row's place among the file's data rows, from 0
	Line    int // the line of the file the row starts on
	Planned Outcome
	Outcome Outcome // "" until the row is imported
	Reason  string  // why, for the rep
	// Hint is a note that blocks nothing, such as another record with the
	// same name and company.
	Hint string
	// RecordID is the record the row updates, duplicates or created, 0
	// for none; Version is the version of it the dry run saw, at which an
	// update is a compare-and-swap.
	RecordID int64
	Version  int64
}

// Final is what became of the row: its outcome once imported, its plan
// until then.
func (r Result) Final() Outcome {
	if r.Outcome != "" {
		return r.Outcome
	}
	return r.Planned
}

// Finder finds the live records a file's rows may duplicate.
type Finder[A any] interface {
	// ByEmail returns the live records whose email, compared in lower
	// case, is one of emails (each given as fold gives it), keyed by that
	// email, newest first.
	ByEmail(ctx context.Context, emails []string) (map[string][]A, error)
	// ByNameCompany returns the ids of the live records whose name and
	// company, compared in lower case, are one of pairs (as
	// nameCompanyKey gives them), newest first.
	ByNameCompany(ctx context.Context, pairs []NameCompany) (map[NameCompany][]int64, error)
}

// row is one data row read through a mapping, before it is decided. A
// file's rows are all in memory during a dry run and a run, so a row
// keeps its cells and the mapping, not a map of its values: those are
// read again for the few rows that need them (updates).
type row[F any] struct {
	DataRow
	mapping Mapping
	fields  F
	invalid string // why the row cannot be imported, before any lookup
	email   string // the folded email, "" for none
}

// values are the row's cells as its mapping reads them (see
// Mapping.values).
func (r row[F]) values(nameField string) map[string]string {
	return r.mapping.values(r.Cells, nameField)
}

// read reads each data row of file through m into fields: a formula
// cell or a cell that does not parse makes the row invalid.
func (k Kind[A, F]) read(file *File, m Mapping) []row[F] {
	rows := make([]row[F], len(file.Rows))
	for i, dr := range file.Rows {
		r := row[F]{DataRow: dr, mapping: m}
		if column, cell := m.formula(file.Header, dr.Cells); column != "" {
			r.invalid = fmt.Sprintf("%s looks like a spreadsheet formula (%s): formulas are not imported.", column, quote(cell))
		} else if f, err := k.Fill(r.values(k.NameField)); err != nil {
			r.invalid = reason(err)
		} else {
			r.fields = f
			r.email = fold(f.Get(k.EmailField))
		}
		rows[i] = r
	}
	return rows
}

// lookupWindow is how many rows a dry run looks up at once: it decides a
// file window by window, so the records it reads are a window's at most,
// and no lookup is one statement for 100,000 emails.
const lookupWindow = 5000

// plan decides what importing file through m does with each row, for rep
// by: create, update (only when update is set), duplicate or invalid,
// and why. Duplicates are found by email, against the live records and
// within the file (the first valid row with an email wins); a record
// with the same name and company is a hint, not a block. It writes
// nothing: a real run does what the plan says, at the versions it saw.
func (k Kind[A, F]) plan(ctx context.Context, find Finder[A], file *File, m Mapping, update bool, by string) ([]Result, error) {
	rows := k.read(file, m)
	results := make([]Result, len(rows))
	emailLine, pairLine := map[string]int{}, map[NameCompany]int{}
	for start := 0; start < len(rows); start += lookupWindow {
		window := rows[start:min(start+lookupWindow, len(rows))]
		existing, similar, err := k.lookUp(ctx, find, window)
		if err != nil {
			return nil, err
		}
		for j, r := range window {
			res := Result{Seq: start + j, Line: r.Line}
			switch {
			case r.invalid != "":
				res.Planned, res.Reason = Invalid, r.invalid
			case r.email != "" && emailLine[r.email] != 0:
				res.Planned, res.Reason = Duplicate, fmt.Sprintf("Same email as line %d, which is imported instead.", emailLine[r.email])
			case r.email != "" && len(existing[r.email]) > 0:
				res = k.planExisting(res, r, existing[r.email], update, by)
			default:
				res = k.planCreate(res, r, by)
			}
			if res.Planned != Invalid && r.email != "" && emailLine[r.email] == 0 {
				emailLine[r.email] = r.Line
			}
			if p, ok := k.pair(r.fields); ok && res.Planned == Create {
				if line := pairLine[p]; line != 0 {
					res.Hint = fmt.Sprintf("Same name and company as line %d.", line)
				} else if ids := similar[p]; len(ids) > 0 {
					res.Hint = fmt.Sprintf("A %s with the same name and company exists: #%d.", k.Name, ids[0])
				}
				if pairLine[p] == 0 {
					pairLine[p] = r.Line
				}
			}
			results[start+j] = res
		}
	}
	return results, nil
}

// lookUp finds the live records the valid rows of window may duplicate:
// by email, and the ids of those with the same name and company.
func (k Kind[A, F]) lookUp(ctx context.Context, find Finder[A], window []row[F]) (map[string][]A, map[NameCompany][]int64, error) {
	var emails []string
	var pairs []NameCompany
	seenEmail, seenPair := map[string]bool{}, map[NameCompany]bool{}
	for _, r := range window {
		if r.invalid != "" {
			continue
		}
		if r.email != "" && !seenEmail[r.email] {
			seenEmail[r.email] = true
			emails = append(emails, r.email)
		}
		if p, ok := k.pair(r.fields); ok && !seenPair[p] {
			seenPair[p] = true
			pairs = append(pairs, p)
		}
	}
	existing, err := find.ByEmail(ctx, emails)
	if err != nil {
		return nil, nil, fmt.Errorf("find %ss by email: %w", k.Name, err)
	}
	similar, err := find.ByNameCompany(ctx, pairs)
	if err != nil {
		return nil, nil, fmt.Errorf("find %ss by name and company: %w", k.Name, err)
	}
	return existing, similar, nil
}

// planCreate plans a new record from r, as the kind's own create
// validates it.
func (k Kind[A, F]) planCreate(res Result, r row[F], by string) Result {
	if _, err := k.New(r.fields, by); err != nil {
		res.Planned, res.Reason = Invalid, reason(err)
		return res
	}
	res.Planned = Create
	return res
}

// planExisting plans a row whose email a live record has: the newest of
// found is updated when update is set, and the row skipped as a duplicate
// otherwise.
func (k Kind[A, F]) planExisting(res Result, r row[F], found []A, update bool, by string) Result {
	a := found[0]
	res.RecordID, res.Version = a.ID(), a.Version()
	name := fmt.Sprintf("#%d %s", a.ID(), a.Fields().Get(k.NameField))
	if len(found) > 1 {
		res.Hint = fmt.Sprintf("%d %ss have this email; the newest, #%d, is the one meant.", len(found), k.Name, a.ID())
	}
	if !update {
		res.Planned = Duplicate
		res.Reason = fmt.Sprintf("A %s with this email exists (%s): skipped, as \"update existing records\" is off.", k.Name, name)
		return res
	}
	// The record as the dry run read it is the dry run's own copy: Edit
	// applies every rule of the domain to it, and nothing is saved.
	changed, err := a.Edit(k.overlay(a.Fields(), r.values(k.NameField), r.fields), by)
	switch {
	case err != nil:
		res.Planned, res.Reason = Invalid, fmt.Sprintf("Cannot update %s: %s", name, reason(err))
	case len(changed) == 0:
		res.Planned, res.Reason = Update, fmt.Sprintf("Updates %s (version %d): it already holds these values.", name, res.Version)
	default:
		res.Planned, res.Reason = Update, fmt.Sprintf("Updates %s (version %d): %s.", name, res.Version, k.labels(changed))
	}
	return res
}

// overlay is current with the fields of filled whose cells in values are
// not blank: a blank cell is not a decision to erase what a record holds,
// so it leaves the field as it is. Nor is the email that found the record
// changed for its case alone: it is the same address.
func (k Kind[A, F]) overlay(current F, values map[string]string, filled F) F {
	for _, field := range k.Fields {
		cell := values[field]
		if strings.TrimSpace(cell) == "" || field == k.EmailField && fold(cell) == fold(current.Get(field)) {
			continue
		}
		current = current.WithField(field, filled)
	}
	return current
}

// pair is the name and company of a row's fields, when it has a company:
// a name alone ("John Smith") says too little to be worth a hint.
func (k Kind[A, F]) pair(f F) (NameCompany, bool) {
	p := nameCompanyKey(f.Get(k.NameField), f.Get(k.CompanyField))
	return p, p.Name != "" && p.Company != ""
}

// labels lists fields as the mapping names them: "Phone and Score".
func (k Kind[A, F]) labels(fields []string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f
		if t, ok := targetOf(k.Targets, f); ok {
			names[i] = t.Label
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// reason words why a row cannot be imported, from the domain's errors,
// which are written for the rep.
func reason(err error) string {
	var invalid *domain.ValidationError
	var rule *domain.RuleError
	switch {
	case errors.As(err, &invalid):
		msgs := make([]string, len(invalid.Fields))
		for i, f := range invalid.Fields {
			msgs[i] = f.Message
		}
		return strings.Join(msgs, " ")
	case errors.As(err, &rule):
		return rule.Message
	}
	return err.Error()
}

// quote shows a cell in a reason: in quotes, as typed (a reason is read,
// not parsed: no escapes), and cut short when long.
func quote(cell string) string {
	const most = 40
	if utf8.RuneCountInString(cell) > most {
		cell = string([]rune(cell)[:most]) + "…"
	}
	return `"` + cell + `"`
}
