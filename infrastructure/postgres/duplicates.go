package postgres

import (
	"context"

	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/record"
)

// Duplicates returns the live leads a new one may repeat (see
// record.DuplicateFinder).
func (r *LeadRepository) Duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[*lead.Lead], error) {
	return r.duplicates(ctx, q)
}

// Duplicates returns the live contacts a new one may repeat (see
// record.DuplicateFinder).
func (r *ContactRepository) Duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[*contact.Contact], error) {
	return r.duplicates(ctx, q)
}

// The lookups of duplicates, on a table with email, name and company
// columns. Each is an index lookup, under a millisecond on the bench
// database): for leads, leads_email_prefix_idx serves the email and
// leads_name_prefix_idx with leads_company_prefix_idx the name and company
// (migration 000014; text_pattern_ops serves equality too); for contacts,
// contacts_email_key, whose predicate the email lookup repeats, and
// contacts_name_idx. Deleted records have their own lookups in the Trash.
const (
	sameEmail = ` WHERE lower(email) = lower($1) AND email <> '' AND ` + live + ` ORDER BY id DESC LIMIT $2`
	// The records sameEmail finds are left out, so they do not use up the
	// places of the others.
	sameName = ` WHERE lower(name) = lower($1) AND lower(company) = lower($2) AND ` + live + `
  AND NOT (email <> '' AND lower(email) = lower($3)) ORDER BY id DESC LIMIT $4`
)

// duplicates looks up, in a table with email, name and company columns,
// the live rows a new one with what q holds may repeat.
func (s *store[A, R]) duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[A], error) {
	var (
		d   record.Duplicates[A]
		err error
	)
	if q.Email != "" {
		if d.SameEmail, err = s.all(ctx, `SELECT `+s.t.columns+` FROM `+s.t.name+sameEmail, q.Email, record.MaxDuplicates); err != nil {
			return d, failed("select "+s.t.name+" by email", err)
		}
	}
	if q.Name != "" && q.Company != "" {
		if d.SameName, err = s.all(ctx, `SELECT `+s.t.columns+` FROM `+s.t.name+sameName, q.Name, q.Company, q.Email, record.MaxDuplicates); err != nil {
			return d, failed("select "+s.t.name+" by name", err)
		}
	}
	return d, nil
}
