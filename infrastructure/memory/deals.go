package memory

import (
	"cmp"
	"context"
	"slices"
	"time"

	"crm/domain/deal"
	"crm/usecase/deals"
	"crm/usecase/record"
)

var _ deals.Repository = (*Deals)(nil)

// Deals keeps deals, with the lists of deals.Repository.
type Deals struct {
	*Store[*deal.Deal, deal.Snapshot]
	db *DB
}

// List returns one page of the deals in q's stage, newest first, with the
// names of their contacts.
func (r *Deals) List(ctx context.Context, q deals.ListQuery) (deals.Page, error) {
	p := page(r.all(), q.Paging, func(d *deal.Deal) bool {
		if (q.Stage != "" && d.Stage() != q.Stage) || !q.Owner.Matches(d.Fields().Owner) {
			return false
		}
		if q.Closing() {
			since := r.stageSince(d.ID())
			if !d.Stage().Closed() || since.Before(q.ClosedFrom) || !since.Before(q.ClosedTo) {
				return false
			}
		}
		return !q.Untouched() || (d.Stage().Open() && d.UpdatedAt().Before(q.UntouchedSince))
	})
	names := map[int64]string{}
	for _, d := range p.Items {
		if c, err := r.db.Contacts.Get(ctx, d.ContactID()); err == nil {
			names[c.ID()] = c.Fields().Name
		}
	}
	return deals.Page{Page: p, ContactNames: names}, nil
}

// stageSince is when deal id entered the stage it is in: the save of the
// first of its latest versions in that stage, as deal_marks keeps it.
func (r *Deals) stageSince(id int64) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	vs := r.versions[id]
	i := len(vs) - 1
	for i > 0 && vs[i-1].snap.Stage == vs[i].snap.Stage {
		i--
	}
	return vs[i].meta.UpdatedAt
}

// ListByContact returns contact contactID's deals, newest first, at most
// record.MaxPageSize of them.
func (r *Deals) ListByContact(_ context.Context, contactID int64) ([]*deal.Deal, error) {
	return page(r.all(), record.Paging{Limit: record.MaxPageSize}, func(d *deal.Deal) bool { return d.ContactID() == contactID }).Items, nil
}

// Totals adds up the live deals of owner by stage and currency.
func (r *Deals) Totals(_ context.Context, owner record.OwnerFilter) ([]deals.StageTotal, error) {
	var out []deals.StageTotal
	for _, d := range r.all() {
		if !owner.Matches(d.Fields().Owner) {
			continue
		}
		amount := d.Fields().Amount
		i := slices.IndexFunc(out, func(t deals.StageTotal) bool {
			return t.Stage == d.Stage() && t.Amount.Currency == amount.Currency
		})
		if i < 0 {
			out = append(out, deals.StageTotal{Stage: d.Stage(), Amount: deal.Money{Currency: amount.Currency}})
			i = len(out) - 1
		}
		out[i].Count++
		out[i].Amount.Minor += amount.Minor
	}
	slices.SortFunc(out, func(a, b deals.StageTotal) int {
		return cmp.Or(cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.Amount.Currency, b.Amount.Currency))
	})
	return out, nil
}
