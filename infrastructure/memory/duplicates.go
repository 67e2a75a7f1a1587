package memory

import (
	"context"
	"strings"

	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/record"
)

// Duplicates returns the live leads a new one may repeat (see
// record.DuplicateFinder).
func (r *Leads) Duplicates(_ context.Context, q record.DuplicateQuery) (record.Duplicates[*lead.Lead], error) {
	return duplicates(r.all(), q, func(l *lead.Lead) (string, string, string) {
		f := l.Fields()
		return f.Email, f.Name, f.Company
	}), nil
}

// Duplicates returns the live contacts a new one may repeat (see
// record.DuplicateFinder).
func (r *Contacts) Duplicates(_ context.Context, q record.DuplicateQuery) (record.Duplicates[*contact.Contact], error) {
	return duplicates(r.all(), q, func(c *contact.Contact) (string, string, string) {
		f := c.Fields()
		return f.Email, f.Name, f.Company
	}), nil
}

// duplicates picks from live, newest first, the records a new one with
// what q holds may repeat, as the PostgreSQL lookups do; fields reads a
// record's email, name and company.
func duplicates[A any](live []A, q record.DuplicateQuery, fields func(A) (email, name, company string)) record.Duplicates[A] {
	var d record.Duplicates[A]
	same := func(a, b string) bool { return a != "" && strings.EqualFold(a, b) }
	for _, a := range live {
		email, name, company := fields(a)
		switch {
		case same(q.Email, email):
			if len(d.SameEmail) < record.MaxDuplicates {
				d.SameEmail = append(d.SameEmail, a)
			}
		case same(q.Name, name) && same(q.Company, company):
			if len(d.SameName) < record.MaxDuplicates {
				d.SameName = append(d.SameName, a)
			}
		}
	}
	return d
}
