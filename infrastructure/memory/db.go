package memory

import (
	"context"
	"strings"
	"sync"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/contacts"
	"crm/usecase/conversion"
	"crm/usecase/deals"
	"crm/usecase/leads"
	"crm/usecase/record"
)

var (
	_ leads.Repository      = (*Leads)(nil)
	_ contacts.Repository   = (*Contacts)(nil)
	_ deals.Repository      = (*Deals)(nil)
	_ conversion.UnitOfWork = (*DB)(nil)
)

// DB stands in for the CRM's database: a store per aggregate, one activity
// log they share, the references between them checked as the database's
// constraints check them, and units of work that commit all or nothing.
type DB struct {
	Leads    *Leads
	Contacts *Contacts
	Deals    *Deals
	events   *Events
	work     sync.Mutex // one unit of work at a time
}

// New returns an empty DB.
func New() *DB {
	db := &DB{events: &Events{}}
	db.Leads = &Leads{NewStore(lead.Kind, (*lead.Lead).Snapshot, lead.Rehydrate, db.events), db}
	db.Contacts = &Contacts{NewStore(contact.Kind, (*contact.Contact).Snapshot, contact.Rehydrate, db.events)}
	db.Deals = &Deals{NewStore(deal.Kind, (*deal.Deal).Snapshot, deal.Rehydrate, db.events), db}
	db.Deals.check = db.checkDeal
	return db
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

// matches is the lists' search: text found anywhere in any of the values,
// ignoring case and the spaces around it, literally.
func matches(search string, values ...string) bool {
	search = strings.ToLower(strings.TrimSpace(search))
	return search == "" || strings.Contains(strings.ToLower(strings.Join(values, " ")), search)
}

// Leads keeps leads, with the lists of leads.Repository.
type Leads struct {
	*Store[*lead.Lead, lead.Snapshot]
	db *DB
}

// History returns the lead's events and its deal's, newest first, as a
// lead's history in PostgreSQL tells the story to its end.
func (r *Leads) History(_ context.Context, id int64) ([]domain.RecordedEvent, error) {
	deals := map[int64]bool{}
	for _, d := range r.db.Deals.all() {
		if d.LeadID() == id {
			deals[d.ID()] = true
		}
	}
	return r.events.matching(func(e domain.RecordedEvent) bool {
		return (e.Kind == lead.Kind && e.AggregateID == id) || (e.Kind == deal.Kind && deals[e.AggregateID])
	}), nil
}

// List returns one page of the leads matching q, newest first.
func (r *Leads) List(_ context.Context, q leads.ListQuery) (record.Page[*lead.Lead], error) {
	return page(r.all(), q.Paging, func(l *lead.Lead) bool {
		return (q.Status == "" || l.Status() == q.Status) && leadMatches(l, q.Search)
	}), nil
}

// CountByStatus counts the leads matching search per status, every status
// present.
func (r *Leads) CountByStatus(_ context.Context, search string) (map[lead.Status]int, error) {
	counts := make(map[lead.Status]int, len(lead.Statuses))
	for _, s := range lead.Statuses {
		counts[s] = 0
	}
	for _, l := range r.all() {
		if leadMatches(l, search) {
			counts[l.Status()]++
		}
	}
	return counts, nil
}

func leadMatches(l *lead.Lead, search string) bool {
	f := l.Fields()
	return matches(search, f.Name, f.Email, f.Company)
}

// Contacts keeps contacts, with the list and lookup of contacts.Repository.
type Contacts struct {
	*Store[*contact.Contact, contact.Snapshot]
}

// List returns one page of the contacts matching q, newest first.
func (r *Contacts) List(_ context.Context, q contacts.ListQuery) (record.Page[*contact.Contact], error) {
	return page(r.all(), q.Paging, func(c *contact.Contact) bool {
		f := c.Fields()
		return matches(q.Search, f.Name, f.Email, f.Company)
	}), nil
}

// FindByEmail returns the most recently created contact whose email is
// email ignoring case, or domain.ErrNotFound; an empty email finds none.
func (r *Contacts) FindByEmail(_ context.Context, email string) (*contact.Contact, error) {
	email = strings.TrimSpace(email)
	for _, c := range r.all() {
		if e := c.Fields().Email; e != "" && strings.EqualFold(e, email) {
			return c, nil
		}
	}
	return nil, domain.ErrNotFound
}

// Deals keeps deals, with the lists of deals.Repository.
type Deals struct {
	*Store[*deal.Deal, deal.Snapshot]
	db *DB
}

// List returns one page of the deals in q's stage, newest first, with the
// names of their contacts.
func (r *Deals) List(ctx context.Context, q deals.ListQuery) (deals.Page, error) {
	p := page(r.all(), q.Paging, func(d *deal.Deal) bool { return q.Stage == "" || d.Stage() == q.Stage })
	names := map[int64]string{}
	for _, d := range p.Items {
		if c, err := r.db.Contacts.Get(ctx, d.ContactID()); err == nil {
			names[c.ID()] = c.Fields().Name
		}
	}
	return deals.Page{Page: p, ContactNames: names}, nil
}

// ListByContact returns contact contactID's deals, newest first, at most
// record.MaxPageSize of them.
func (r *Deals) ListByContact(_ context.Context, contactID int64) ([]*deal.Deal, error) {
	return page(r.all(), record.Paging{Limit: record.MaxPageSize}, func(d *deal.Deal) bool { return d.ContactID() == contactID }).Items, nil
}
