package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/contacts"
)

var _ contacts.Repository = (*ContactRepository)(nil)

// ContactRepository stores contacts in the contacts table, as
// LeadRepository stores leads: each write is one compare-and-swap statement
// on the version column, in a short transaction with the contact's domain
// events (written to activity); no row lock is held between reading a
// contact and saving it. A unit of work builds one over its transaction.
type ContactRepository struct {
	db querier
}

// NewContactRepository returns a ContactRepository over pool.
func NewContactRepository(pool *pgxpool.Pool) *ContactRepository {
	return &ContactRepository{db: pool}
}

// contactsTable is the table the compare-and-swap writes.
const contactsTable = "contacts"

// contactRow is one row of contacts (or contact_versions) as stored.
type contactRow struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Email     string    `db:"email"`
	Phone     string    `db:"phone"`
	Company   string    `db:"company"`
	Version   int64     `db:"version"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
	UpdatedBy string    `db:"updated_by"`
}

const contactColumns = `id, name, email, phone, company, version, created_at, updated_at, updated_by`

func (r contactRow) toDomain() *contact.Contact {
	return contact.Rehydrate(contact.Snapshot{
		ID:        r.ID,
		Version:   r.Version,
		Fields:    contact.Fields{Name: r.Name, Email: r.Email, Phone: r.Phone, Company: r.Company},
		CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt,
		UpdatedBy: r.UpdatedBy,
	})
}

func contactToRow(c *contact.Contact) contactRow {
	s := c.Snapshot()
	return contactRow{
		ID: s.ID, Name: s.Fields.Name, Email: s.Fields.Email, Phone: s.Fields.Phone, Company: s.Fields.Company,
		Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy,
	}
}

// writable returns the columns a save may set. Id, version and the
// timestamps are absent on purpose: the database assigns them.
func (r contactRow) writable() pgx.NamedArgs {
	return pgx.NamedArgs{
		"name": r.Name, "email": r.Email, "phone": r.Phone, "company": r.Company, "updated_by": r.UpdatedBy,
	}
}

func collectContact(rows pgx.Rows, err error) (contactRow, error) {
	if err != nil {
		return contactRow{}, err
	}
	return pgx.CollectOneRow(rows, pgx.RowToStructByName[contactRow])
}

const insertContact = `
INSERT INTO contacts (name, email, phone, company, updated_by)
VALUES (@name, @email, @phone, @company, @updated_by)
RETURNING ` + contactColumns

// Create stores c as a new contact with its events. The database assigns
// the id, version 1 and both timestamps, so the returned contact is what a
// later Get would return.
func (r *ContactRepository) Create(ctx context.Context, c *contact.Contact) (*contact.Contact, error) {
	var row contactRow
	err := pgx.BeginFunc(ctx, r.db, func(tx pgx.Tx) (err error) {
		if row, err = collectContact(tx.Query(ctx, insertContact, contactToRow(c).writable())); err != nil {
			return failed("insert contact", err)
		}
		return recordEvents(ctx, tx, contact.Kind, row.ID, row.Version, c.DomainEvents())
	})
	if err != nil {
		return nil, failed("create contact", err)
	}
	c.ClearEvents()
	return row.toDomain(), nil
}

const selectContact = `SELECT ` + contactColumns + ` FROM contacts WHERE id = $1`

// Get returns contact id, or domain.ErrNotFound.
func (r *ContactRepository) Get(ctx context.Context, id int64) (*contact.Contact, error) {
	row, err := r.get(ctx, id)
	if err != nil {
		return nil, err
	}
	return row.toDomain(), nil
}

func (r *ContactRepository) get(ctx context.Context, id int64) (contactRow, error) {
	row, err := collectContact(r.db.Query(ctx, selectContact, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return contactRow{}, domain.ErrNotFound
	}
	if err != nil {
		return contactRow{}, failed("select contact", err)
	}
	return row, nil
}

const selectContactVersion = `SELECT ` + contactColumns + ` FROM contact_versions WHERE id = $1 AND version = $2`

// Version returns contact id as it was saved at version, from the history
// the triggers of migration 000004 keep, or domain.ErrNotFound.
func (r *ContactRepository) Version(ctx context.Context, id, version int64) (*contact.Contact, error) {
	row, err := collectContact(r.db.Query(ctx, selectContactVersion, id, version))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, failed("select contact version", err)
	}
	return row.toDomain(), nil
}

// updateContact is the compare-and-swap: it writes only if the contact is
// still at the version the caller started from, and bumps the version in
// the same statement, so two saves from one version can never both succeed.
const updateContact = `
UPDATE contacts
SET name = @name, email = @email, phone = @phone, company = @company,
    updated_by = @updated_by, updated_at = now(), version = version + 1
WHERE id = @id AND version = @version
RETURNING ` + contactColumns

// Update loads contact id, checks it is still at version, lets apply change
// it and, when apply reports a change, saves it at version+1 together with
// the events apply recorded. It returns domain.ErrNotFound (also when the
// contact is deleted meanwhile), a *domain.OptimisticLockError when someone
// else saved first, or apply's error unchanged; on any error nothing is
// written, events included. It does not retry: a stale save is the rep's
// to resolve.
func (r *ContactRepository) Update(ctx context.Context, id, version int64, apply func(*contact.Contact) (changed bool, err error)) (*contact.Contact, error) {
	current, err := r.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if current.Version != version {
		// Checked before apply so a stale caller never sees its change
		// validated against a contact it did not start from.
		return nil, staleVersion(contact.Kind, id, version, current.Version)
	}
	c := current.toDomain()
	changed, err := apply(c)
	if err != nil {
		return nil, err
	}
	if !changed {
		// Rebuilt from the row rather than returning c, in case apply
		// touched c while reporting no change: callers get what is stored.
		return current.toDomain(), nil
	}
	args := contactToRow(c).writable()
	args["id"], args["version"] = id, version
	var saved contactRow
	err = pgx.BeginFunc(ctx, r.db, func(tx pgx.Tx) (err error) {
		saved, err = collectContact(tx.Query(ctx, updateContact, args))
		if err != nil {
			return err
		}
		return recordEvents(ctx, tx, contact.Kind, id, saved.Version, c.DomainEvents())
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, missedSave(ctx, r.db, contactsTable, contact.Kind, id, version)
	}
	if err != nil {
		return nil, failed("update contact", err)
	}
	c.ClearEvents()
	return saved.toDomain(), nil
}

// History returns contact id's recorded events, newest first.
func (r *ContactRepository) History(ctx context.Context, id int64) ([]domain.RecordedEvent, error) {
	return readHistory(ctx, r.db, ownEvents, contact.Kind, id)
}

// findContactByEmail repeats the predicate of the partial index
// contacts_email_idx (lower(email) WHERE email <> ”) so PostgreSQL can
// answer from it.
const findContactByEmail = `SELECT ` + contactColumns + ` FROM contacts
WHERE lower(email) = lower($1) AND email <> ''
ORDER BY id DESC LIMIT 1`

// FindByEmail returns the most recently created contact whose email equals
// email ignoring case, or domain.ErrNotFound. An empty email finds nothing.
func (r *ContactRepository) FindByEmail(ctx context.Context, email string) (*contact.Contact, error) {
	if strings.TrimSpace(email) == "" {
		return nil, domain.ErrNotFound
	}
	row, err := collectContact(r.db.Query(ctx, findContactByEmail, strings.TrimSpace(email)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, failed("select contact by email", err)
	}
	return row.toDomain(), nil
}

// contactSearchExpr is what a contact search looks in. Contacts have no
// trigram index (leads do): a search walks the primary key newest first
// until a page is full, which stays quick while matches are common.
const contactSearchExpr = `(name || ' ' || email || ' ' || company)`

// List returns one page of contacts matching q, newest first, paging by id
// (keyset) as LeadRepository.List does. Search is matched anywhere in
// name, email and company, case-insensitively and literally; surrounding
// spaces are ignored. A Limit of 0 or less means contacts.DefaultPageSize.
func (r *ContactRepository) List(ctx context.Context, q contacts.ListQuery) (contacts.Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = contacts.DefaultPageSize
	}
	var where []string
	args := pgx.NamedArgs{"limit": limit + 1} // one more tells whether a next page exists
	if q.After > 0 {
		where = append(where, `id < @after`)
		args["after"] = q.After
	}
	if search := strings.TrimSpace(q.Search); search != "" {
		where = append(where, contactSearchExpr+` ILIKE @search`)
		args["search"] = likePattern(search)
	}
	sql := `SELECT ` + contactColumns + ` FROM contacts` + whereClause(where) + ` ORDER BY id DESC LIMIT @limit`
	rows, err := r.db.Query(ctx, sql, planMode(q.Search), args)
	if err != nil {
		return contacts.Page{}, failed("select contacts", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[contactRow])
	if err != nil {
		return contacts.Page{}, failed("select contacts", err)
	}
	var page contacts.Page
	if len(got) > limit {
		got = got[:limit]
		page.Next = got[limit-1].ID
	}
	page.Contacts = make([]*contact.Contact, len(got))
	for i, row := range got {
		page.Contacts[i] = row.toDomain()
	}
	return page, nil
}
