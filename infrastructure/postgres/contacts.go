package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/contacts"
	"crm/usecase/record"
)

var _ contacts.Repository = (*ContactRepository)(nil)

// ContactRepository stores contacts in the contacts table; store has the
// writes and reads every aggregate shares, this file the contact's row, SQL
// and list.
type ContactRepository struct {
	store[*contact.Contact, contactRow]
}

// NewContactRepository returns a ContactRepository over pool.
func NewContactRepository(pool *pgxpool.Pool) *ContactRepository {
	return &ContactRepository{contactsTable.on(pool)}
}

// contactRow is one row of contacts (or contact_versions) as stored.
type contactRow struct {
	stamps
	Name    string `db:"name"`
	Email   string `db:"email"`
	Phone   string `db:"phone"`
	Company string `db:"company"`
	Notes   string `db:"notes"`
	OwnerID *int64 `db:"owner_id"`
}

const contactColumns = `id, name, email, phone, company, notes, owner_id, ` + stampColumns

var contactsTable = table[*contact.Contact, contactRow]{
	kind: contact.Kind, name: "contacts", columns: contactColumns,
	insert: `
INSERT INTO contacts (name, email, phone, company, notes, owner_id, updated_by)
VALUES (@name, @email, @phone, @company, @notes, @owner_id, @updated_by)
RETURNING ` + contactColumns,
	update: `
UPDATE contacts
SET name = @name, email = @email, phone = @phone, company = @company, notes = @notes, owner_id = @owner_id,
    ` + stampUpdate + `
WHERE id = @id AND version = @version
RETURNING ` + contactColumns,
	versions: `SELECT ` + contactColumns + ` FROM contact_versions WHERE id = $1`,
	history:  ownEvents,
	title:    func(c *contact.Contact) string { return c.Fields().Name },
	toDomain: func(r contactRow) *contact.Contact {
		return stamped(contact.Rehydrate(contact.Snapshot{
			Fields: contact.Fields{Name: r.Name, Email: r.Email, Phone: r.Phone, Company: r.Company, Notes: r.Notes, Owner: ownerOf(r.OwnerID)},
		}), r.stamps)
	},
	refused: refusedContact,
	args: func(c *contact.Contact) pgx.NamedArgs {
		f := c.Fields()
		return pgx.NamedArgs{"name": f.Name, "email": f.Email, "phone": f.Phone, "company": f.Company, "notes": f.Notes, "owner_id": ownerArg(f.Owner), "updated_by": c.UpdatedBy()}
	},
}

// findContactByEmail repeats the predicate of the partial index
// contacts_email_idx (lower(email) WHERE email <> ”) so PostgreSQL can
// answer from it.
const findContactByEmail = `SELECT ` + contactColumns + ` FROM contacts
WHERE lower(email) = lower($1) AND email <> '' AND deleted_at IS NULL
ORDER BY id DESC LIMIT 1`

// FindByEmail returns the most recently created live contact whose email equals
// email ignoring case, or domain.ErrNotFound. An empty email finds nothing.
func (r *ContactRepository) FindByEmail(ctx context.Context, email string) (*contact.Contact, error) {
	if strings.TrimSpace(email) == "" {
		return nil, domain.ErrNotFound
	}
	c, err := r.collect(r.db.Query(ctx, findContactByEmail, strings.TrimSpace(email)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, failed("select contact by email", err)
	}
	return c, nil
}

// List returns one page of contacts matching q, newest first (see
// store.page). Search is matched anywhere in name, email and company, and
// a search of one or two characters at the start of one of them (see
// record.ShortSearch), case-insensitively and literally; surrounding spaces
// are ignored. Migration 000016 indexes both, as 000001 and 000014 do
// for leads.
func (r *ContactRepository) List(ctx context.Context, q contacts.ListQuery) (record.Page[*contact.Contact], error) {
	var where []string
	args := pgx.NamedArgs{}
	if cond := searchCondition(q.Search, args); cond != "" {
		where = append(where, cond)
	}
	if cond := ownerCondition(q.Owner, args); cond != "" {
		where = append(where, cond)
	}
	return r.page(ctx, where, args, q.Paging, planMode(q.Search))
}

// refusedContact turns the violation of the one-contact-per-email index
// into the domain's refusal, and returns nil for anything else.
func refusedContact(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation && pgErr.ConstraintName == "contacts_email_key" {
		return contact.EmailTaken()
	}
	return refusedOwner(err)
}
