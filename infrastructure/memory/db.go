package memory

import (
	"context"
	"slices"
	"strings"
	"sync"

	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/entry"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/task"
	"crm/usecase/conversion"
	"crm/usecase/record"
)

var _ conversion.UnitOfWork = (*DB)(nil)

// DB stands in for the CRM's database: a store per aggregate, one activity
// log they share, the references between them checked as the database's
// constraints check them, and units of work that commit all or nothing.
type DB struct {
	Leads    *Leads
	Contacts *Contacts
	Deals    *Deals
	// SavedViews refer to users, which this DB does not keep: any owner
	// id is taken, where the database's foreign key needs the user.
	SavedViews *SavedViews
	// Tasks refer to users as saved views do: any assignee id is taken.
	Tasks *Tasks
	// Entries refer to users and records, neither checked here: the
	// database checks the author, the use case the record.
	Entries *Entries
	events  *Events
	work    sync.Mutex // one unit of work at a time
}

// New returns an empty DB.
func New() *DB {
	db := &DB{events: &Events{}}
	db.Leads = &Leads{NewStore(lead.Kind, (*lead.Lead).Snapshot, lead.Rehydrate, db.events), db}
	db.Contacts = &Contacts{NewStore(contact.Kind, (*contact.Contact).Snapshot, contact.Rehydrate, db.events)}
	db.Deals = &Deals{NewStore(deal.Kind, (*deal.Deal).Snapshot, deal.Rehydrate, db.events), db}
	db.SavedViews = &SavedViews{NewStore(savedview.Kind, (*savedview.View).Snapshot, savedview.Rehydrate, db.events)}
	db.Tasks = &Tasks{NewStore(task.Kind, (*task.Task).Snapshot, task.Rehydrate, db.events), db}
	db.Entries = &Entries{NewStore(entry.Kind, (*entry.Entry).Snapshot, entry.Rehydrate, db.events)}
	db.Deals.check = db.checkDeal
	db.Contacts.check = checkContact
	return db
}

// checkContact refuses a contact as the contacts table's unique index on
// live emails does.
func checkContact(c *contact.Contact, others []*contact.Contact) error {
	email := c.Fields().Email
	if email == "" || c.Deleted() {
		return nil
	}
	for _, o := range others {
		if !o.Deleted() && strings.EqualFold(o.Fields().Email, email) {
			return contact.EmailTaken()
		}
	}
	return nil
}

// checkDeal refuses a deal as the deals table's constraints do.
func (db *DB) checkDeal(d *deal.Deal, stored []*deal.Deal) error {
	switch {
	case !db.Contacts.exists(d.ContactID()):
		return deal.ContactMissing()
	case d.LeadID() == 0:
		return nil
	case !db.Leads.exists(d.LeadID()):
		return deal.LeadMissing()
	}
	for _, other := range stored {
		if other.LeadID() == d.LeadID() {
			return deal.LeadTaken()
		}
	}
	return nil
}

// Do runs fn as one unit of work: when fn returns an error, every save
// made through the context it was given is taken back, events included;
// ids handed out stay used, as a database sequence's do. Units of work run
// one at a time, which is how two conversions of one lead queue behind its
// row lock in PostgreSQL.
func (db *DB) Do(ctx context.Context, fn func(ctx context.Context, r conversion.Repos) error) error {
	db.work.Lock()
	defer db.work.Unlock()
	undo := &rollback{}
	if err := fn(context.WithValue(ctx, rollbackKey{}, undo), repos{db}); err != nil {
		undo.run()
		return err
	}
	return nil
}

// rollback is the undo log of a unit of work.
type rollback struct {
	mu    sync.Mutex
	steps []func()
}

type rollbackKey struct{}

// onRollback has undo run if the unit of work ctx belongs to fails; outside
// a unit of work a save is final.
func onRollback(ctx context.Context, undo func()) {
	if r, ok := ctx.Value(rollbackKey{}).(*rollback); ok {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.steps = append(r.steps, undo)
	}
}

// run takes back every step, newest first.
func (r *rollback) run() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.steps) - 1; i >= 0; i-- {
		r.steps[i]()
	}
}

// repos are the stores of a unit of work.
type repos struct{ db *DB }

func (r repos) Leads() conversion.LeadStore       { return r.db.Leads }
func (r repos) Contacts() conversion.ContactStore { return r.db.Contacts }
func (r repos) Deals() conversion.DealStore       { return r.db.Deals }

// page returns the page of items (newest first) that p asks for, among
// those keep accepts.
func page[A interface{ ID() int64 }](items []A, p record.Paging, keep func(A) bool) record.Page[A] {
	limit := p.Size()
	out := record.Page[A]{Items: []A{}}
	for _, a := range items {
		if (p.After > 0 && a.ID() >= p.After) || !keep(a) {
			continue
		}
		if len(out.Items) == limit {
			out.Next = out.Items[limit-1].ID()
			break
		}
		out.Items = append(out.Items, a)
	}
	return out
}

// matchesOrStarts is the lists' search: matches, or for one or two
// characters (record.ShortSearch) the start of one of the values.
func matchesOrStarts(search string, values ...string) bool {
	if search = strings.TrimSpace(search); record.ShortSearch(search) {
		search = strings.ToLower(search)
		return slices.ContainsFunc(values, func(v string) bool { return strings.HasPrefix(strings.ToLower(v), search) })
	}
	return matches(search, values...)
}

// matches is the lists' search: text found anywhere in any of the values,
// ignoring case and the spaces around it, literally.
func matches(search string, values ...string) bool {
	search = strings.ToLower(strings.TrimSpace(search))
	return search == "" || strings.Contains(strings.ToLower(strings.Join(values, " ")), search)
}
