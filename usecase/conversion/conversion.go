// Package conversion turns a qualified lead into a contact and a deal. It is
// the one use case that writes several aggregates, so it runs in a unit of
// work: one transaction that creates or links the contact, creates the deal
// and marks the lead CONVERTED at the version the rep saw, or does nothing.
package conversion

import (
	"context"
	"errors"
	"fmt"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/conflict"
)

// LeadStore is what a conversion needs of the leads inside its unit of work.
type LeadStore interface {
	// Lock returns lead id and holds its row until the unit of work ends,
	// if the lead is still at version; otherwise domain.ErrNotFound or a
	// *domain.OptimisticLockError. Concurrent conversions of one lead queue
	// behind the lock, so the losers fail here, before creating anything.
	Lock(ctx context.Context, id, version int64) (*lead.Lead, error)
	// Update saves the lead at version+1 as the leads use cases do.
	Update(ctx context.Context, id, version int64, apply func(*lead.Lead) (changed bool, err error)) (*lead.Lead, error)
}

// ContactStore is what a conversion needs of the contacts.
type ContactStore interface {
	// Create refuses a contact whose email a live contact has with
	// contact.EmailTaken's error.
	Create(ctx context.Context, c *contact.Contact) (*contact.Contact, error)
	Get(ctx context.Context, id int64) (*contact.Contact, error)
	FindByEmail(ctx context.Context, email string) (*contact.Contact, error)
}

// DealStore is what a conversion needs of the deals.
type DealStore interface {
	Create(ctx context.Context, d *deal.Deal) (*deal.Deal, error)
}

// Repos are the repositories of one unit of work, all sharing its
// transaction.
type Repos interface {
	Leads() LeadStore
	Contacts() ContactStore
	Deals() DealStore
}

// UnitOfWork runs fn in one transaction, committing when fn returns nil and
// rolling everything back when it returns an error. No repository from
// Repos opens a transaction of its own.
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context, r Repos) error) error
}

// ContactFinder finds the contact a lead may be linked to, outside any
// unit of work.
type ContactFinder interface {
	// FindByEmail returns the most recently created contact with email,
	// ignoring case, or domain.ErrNotFound.
	FindByEmail(ctx context.Context, email string) (*contact.Contact, error)
}

// FieldLinkContact names the choice of an existing contact in rule errors.
const FieldLinkContact = "contact_id"

// Request is what the rep confirmed on the conversion page.
type Request struct {
	LeadID      int64
	LeadVersion int64 // the version of the lead the rep saw
	// LinkContact is the existing contact to link, 0 to create Contact.
	LinkContact int64
	Contact     contact.Fields
	Deal        deal.Fields
}

// Result is a committed conversion.
type Result struct {
	Lead           *lead.Lead
	Contact        *contact.Contact
	Deal           *deal.Deal
	ContactCreated bool // false when an existing contact was linked
}

// Proposal is what the conversion page offers for a lead: a contact and a
// deal prefilled from it, and an existing contact with the same email that
// the rep may link instead of creating a duplicate.
type Proposal struct {
	Lead *lead.Lead
	// Contact is a new contact made from the lead, its notes included: the
	// notes say who the person is and what was agreed, which the contact
	// keeps through every deal, and the rep can trim them before
	// converting. A linked existing contact keeps its own notes: writing
	// into a record the rep has not opened would need a version they saw.
	// The deal starts without notes (the lead, which the deal links to,
	// keeps its own).
	Contact  contact.Fields
	Deal     deal.Fields
	Existing *contact.Contact // nil when no contact has the lead's email
	// Blocked says why the lead cannot be converted now, nil when it can.
	Blocked error
}

// DefaultCurrency is the currency a proposed deal starts in.
const DefaultCurrency = "EUR"

// InvalidError is a request whose contact or deal does not validate. Each
// part is a *domain.ValidationError or nil, so a page can show every
// message beside its own field; errors.As finds either.
type InvalidError struct {
	Contact error
	Deal    error
}

func (e *InvalidError) Error() string { return errors.Join(e.Contact, e.Deal).Error() }

// Unwrap exposes the parts that failed to errors.As.
func (e *InvalidError) Unwrap() []error {
	var out []error
	for _, err := range []error{e.Contact, e.Deal} {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// Service runs the conversion.
type Service struct {
	uow      UnitOfWork
	leads    conflict.Reader[*lead.Lead]
	contacts ContactFinder
}

// NewService returns a Service writing through uow; leads and contacts
// read what the page shows and what a conflict explains.
func NewService(uow UnitOfWork, leads conflict.Reader[*lead.Lead], contacts ContactFinder) *Service {
	return &Service{uow: uow, leads: leads, contacts: contacts}
}

// Propose returns what the conversion page offers for lead id.
func (s *Service) Propose(ctx context.Context, id int64) (Proposal, error) {
	l, err := s.leads.Get(ctx, id)
	if err != nil {
		return Proposal{}, fmt.Errorf("propose conversion of lead %d: %w", id, err)
	}
	f := l.Fields()
	p := Proposal{
		Lead:    l,
		Contact: contact.Fields{Name: f.Name, Email: f.Email, Phone: f.Phone, Company: f.Company, Notes: f.Notes},
		Deal:    deal.Fields{Title: dealTitle(f), Amount: deal.Money{Currency: DefaultCurrency}},
		Blocked: l.CanConvert(),
	}
	if f.Email != "" {
		switch c, err := s.contacts.FindByEmail(ctx, f.Email); {
		case err == nil:
			p.Existing = c
		case !errors.Is(err, domain.ErrNotFound):
			return Proposal{}, fmt.Errorf("propose conversion of lead %d: %w", id, err)
		}
	}
	return p, nil
}

// dealTitle names a lead's deal after the company, or the person when the
// lead has no company.
func dealTitle(f lead.Fields) string {
	if f.Company != "" {
		return f.Company
	}
	return f.Name
}

// Convert converts the lead on behalf of rep by, in one unit of work. It
// returns an *InvalidError when the contact or deal does not validate, a
// *domain.RuleError when the lead may not be converted (not QUALIFIED,
// score below 80, already converted), a *conflict.Error over the lead when
// it moved past req.LeadVersion (holding the lead as saved now and as the
// rep saw it, so the page can say what changed), a *domain.DeletedError
// when the lead was deleted, and domain.ErrNotFound when it is gone. On
// any error nothing at all was written.
func (s *Service) Convert(ctx context.Context, by string, req Request) (Result, error) {
	res, err := s.convert(ctx, by, req)
	if err != nil {
		err = conflict.Explain[*lead.Lead, lead.Fields](ctx, s.leads, err, nil)
		return Result{}, fmt.Errorf("convert lead %d: %w", req.LeadID, err)
	}
	return res, nil
}

func (s *Service) convert(ctx context.Context, by string, req Request) (Result, error) {
	// Validated before the transaction: these checks need no data, and a
	// form with mistakes should not queue for the lead's lock.
	var invalid InvalidError
	var newContact *contact.Contact
	if req.LinkContact == 0 {
		var err error
		newContact, err = contact.New(req.Contact, by)
		invalid.Contact = err
	}
	invalid.Deal = req.Deal.Normalize().Validate()
	if invalid.Contact != nil || invalid.Deal != nil {
		return Result{}, &invalid
	}

	var res Result
	err := s.uow.Do(ctx, func(ctx context.Context, r Repos) error {
		l, err := r.Leads().Lock(ctx, req.LeadID, req.LeadVersion)
		if err != nil {
			return err
		}
		if err := l.CanConvert(); err != nil {
			return err
		}
		// The contact and the deal a lead becomes are its owner's, as the
		// lead was: the rep who converts it may be someone else.
		owner := l.Fields().Owner
		if newContact != nil {
			f := req.Contact
			f.Owner = owner
			if newContact, err = contact.New(f, by); err != nil {
				return err
			}
			res.Contact, err = r.Contacts().Create(ctx, newContact)
			switch {
			case contact.IsEmailTaken(err):
				// A contact with this email was stored since the page
				// offered none (another conversion of a lead with the same
				// email, at the same instant): link it, as the page would
				// have offered, rather than a second one.
				if res.Contact, err = r.Contacts().FindByEmail(ctx, newContact.Fields().Email); err != nil {
					return fmt.Errorf("find the contact that took %s: %w", newContact.Fields().Email, err)
				}
			case err != nil:
				return err
			default:
				res.ContactCreated = true
			}
		} else if res.Contact, err = r.Contacts().Get(ctx, req.LinkContact); err != nil {
			if errors.Is(err, domain.ErrNotFound) {
				return &domain.RuleError{Field: FieldLinkContact, Message: "The contact to link no longer exists; " +
					"create a new one or pick another."}
			}
			return err
		} else if res.Contact.Deleted() {
			return &domain.RuleError{Field: FieldLinkContact, Message: "The contact to link was deleted; " +
				"restore it from the Trash, create a new one or pick another."}
		}
		df := req.Deal
		df.Owner = owner
		d, err := deal.New(df, res.Contact.ID(), l.ID(), by)
		if err != nil {
			return err
		}
		if res.Deal, err = r.Deals().Create(ctx, d); err != nil {
			return err
		}
		res.Lead, err = r.Leads().Update(ctx, l.ID(), l.Version(), func(l *lead.Lead) (bool, error) {
			return true, l.Convert(res.Contact.ID(), res.Deal.ID(), by)
		})
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}
