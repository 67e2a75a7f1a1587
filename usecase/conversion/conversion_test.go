package conversion_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/infrastructure/memory"
	"crm/usecase/conflict"
	"crm/usecase/contacts"
	"crm/usecase/conversion"
	"crm/usecase/deals"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// leadConflict is the conflict error of a lead write.
type leadConflict = conflict.Error[*lead.Lead, lead.Fields]

// fixture is an empty in-memory database with the conversion wired as the
// app wires it, and the leads use cases to prepare leads with.
type fixture struct {
	db      *memory.DB
	leads   *leads.Service
	service *conversion.Service
}

func newFixture() fixture {
	db := memory.New()
	return fixture{db: db, leads: leads.NewService(db.Leads), service: conversion.NewService(db, db.Leads, db.Contacts)}
}

// serviceWith is the conversion writing through uow instead of the database.
func (fx fixture) serviceWith(uow conversion.UnitOfWork) *conversion.Service {
	return conversion.NewService(uow, fx.db.Leads, fx.db.Contacts)
}

func ada() lead.Fields {
	return lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines",
		Phone: "+44 20 7946 0000", Source: "Referral", Score: 70}
}

func adaContact() contact.Fields {
	f := ada()
	return contact.Fields{Name: f.Name, Email: f.Email, Phone: f.Phone, Company: f.Company}
}

func adaDeal() deal.Fields {
	return deal.Fields{Title: "Analytical Engines", Amount: deal.Money{Minor: 1_250_000, Currency: "EUR"}}
}

// newLead stores Ada's lead with score, NEW at version 1.
func (fx fixture) newLead(t *testing.T, score int) *lead.Lead {
	t.Helper()
	f := ada()
	f.Score = score
	l, err := fx.leads.Create(t.Context(), "ana", f)
	require.NoError(t, err)
	return l
}

// qualifiedLead stores Ada's lead with score and moves it NEW → CONTACTED →
// QUALIFIED, at version 3.
func (fx fixture) qualifiedLead(t *testing.T, score int) *lead.Lead {
	t.Helper()
	l := fx.newLead(t, score)
	for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
		saved, err := fx.leads.Move(t.Context(), "ana", l.ID(), l.Version(), to)
		require.NoError(t, err)
		l = saved.Record
	}
	require.Equal(t, lead.StatusQualified, l.Status())
	require.Equal(t, int64(3), l.Version())
	return l
}

func (fx fixture) createContact(t *testing.T, f contact.Fields) *contact.Contact {
	t.Helper()
	c, err := contacts.NewService(fx.db.Contacts).Create(t.Context(), "ana", f)
	require.NoError(t, err)
	return c
}

func request(l *lead.Lead) conversion.Request {
	return conversion.Request{LeadID: l.ID(), LeadVersion: l.Version(), Contact: adaContact(), Deal: adaDeal()}
}

// counts is how many contacts and deals the database holds.
type counts struct{ Contacts, Deals int }

func (fx fixture) counts(t *testing.T) counts {
	t.Helper()
	all := record.Paging{Limit: record.MaxPageSize}
	cs, err := fx.db.Contacts.List(t.Context(), contacts.ListQuery{Paging: all})
	require.NoError(t, err)
	ds, err := fx.db.Deals.List(t.Context(), deals.ListQuery{Paging: all})
	require.NoError(t, err)
	return counts{Contacts: len(cs.Items), Deals: len(ds.Items)}
}

// stored reads lead id as saved now.
func (fx fixture) stored(t *testing.T, id int64) *lead.Lead {
	t.Helper()
	l, err := fx.leads.Get(t.Context(), id)
	require.NoError(t, err)
	return l
}

func TestConvert_createsTheContactAndTheDealAndConvertsTheLead(t *testing.T) {
	t.Parallel()
	fx := newFixture()
	l := fx.qualifiedLead(t, 85)
	before := fx.counts(t)

	res, err := fx.service.Convert(t.Context(), "bob", request(l))

	require.NoError(t, err)
	assert.True(t, res.ContactCreated)
	assert.Equal(t, adaContact(), res.Contact.Fields())
	assert.Equal(t, adaDeal(), res.Deal.Fields())
	assert.Equal(t, deal.StageQualification, res.Deal.Stage())
	assert.Equal(t, res.Contact.ID(), res.Deal.ContactID())
	assert.Equal(t, l.ID(), res.Deal.LeadID())
	assert.Equal(t, lead.StatusConverted, res.Lead.Status())
	assert.Equal(t, int64(4), res.Lead.Version(), "the lead moves on one version")
	assert.Equal(t, "bob", res.Lead.UpdatedBy())

	assert.Equal(t, res.Lead.Snapshot(), fx.stored(t, l.ID()).Snapshot())
	assert.Equal(t, counts{Contacts: before.Contacts + 1, Deals: before.Deals + 1}, fx.counts(t))
	page, err := fx.leads.History(t.Context(), l.ID(), record.Paging{})
	require.NoError(t, err)
	h := page.Items
	require.GreaterOrEqual(t, len(h), 2)
	assert.Equal(t, lead.EventConverted, h[0].Name, "newest first")
	assert.Equal(t, map[string]int64{lead.RefContact: res.Contact.ID(), lead.RefDeal: res.Deal.ID()}, h[0].Refs)
	assert.Equal(t, deal.EventCreated, h[1].Name, "the lead's story continues with its deal")
}

func TestConvert_linksAnExistingContactInsteadOfCreatingOne(t *testing.T) {
	t.Parallel()
	fx := newFixture()
	existing := fx.createContact(t, contact.Fields{Name: "Augusta Ada King", Email: "ADA@example.com"})
	l := fx.qualifiedLead(t, 90)

	proposal, err := fx.service.Propose(t.Context(), l.ID())
	require.NoError(t, err)
	require.NotNil(t, proposal.Existing, "the contact with the lead's email is offered")
	assert.Equal(t, existing.ID(), proposal.Existing.ID())

	req := request(l)
	req.LinkContact = existing.ID()
	req.Contact = contact.Fields{} // a linked contact needs no contact fields
	before := fx.counts(t)
	res, err := fx.service.Convert(t.Context(), "bob", req)

	require.NoError(t, err)
	assert.False(t, res.ContactCreated)
	assert.Equal(t, existing.Snapshot(), res.Contact.Snapshot(), "the linked contact is not edited")
	assert.Equal(t, existing.ID(), res.Deal.ContactID())
	assert.Equal(t, counts{Contacts: before.Contacts, Deals: before.Deals + 1}, fx.counts(t), "no duplicate contact")
	assert.Equal(t, lead.StatusConverted, fx.stored(t, l.ID()).Status())
}

func TestPropose(t *testing.T) {
	t.Parallel()
	fx := newFixture()

	t.Run("prefills the contact and the deal from the lead", func(t *testing.T) {
		t.Parallel()
		l := fx.qualifiedLead(t, 85)
		p, err := fx.service.Propose(t.Context(), l.ID())
		require.NoError(t, err)
		assert.Equal(t, adaContact(), p.Contact)
		assert.Equal(t, deal.Fields{Title: "Analytical Engines", Amount: deal.Money{Currency: conversion.DefaultCurrency}}, p.Deal)
		assert.Nil(t, p.Existing, "no contact has this email")
		assert.NoError(t, p.Blocked)
	})
	t.Run("a lead that may not be converted says why", func(t *testing.T) {
		t.Parallel()
		f := ada()
		f.Company, f.Email = "", ""
		l, err := fx.leads.Create(t.Context(), "ana", f)
		require.NoError(t, err)
		p, err := fx.service.Propose(t.Context(), l.ID())
		require.NoError(t, err)
		assert.Equal(t, "Ada Lovelace", p.Deal.Title, "no company: the deal is named after the person")
		assert.Nil(t, p.Existing, "an empty email links nothing")
		var rule *domain.RuleError
		require.ErrorAs(t, p.Blocked, &rule)
		assert.Equal(t, "Cannot move from NEW to CONVERTED.", rule.Message)
	})
	t.Run("a missing lead is not found", func(t *testing.T) {
		t.Parallel()
		_, err := fx.service.Propose(t.Context(), 1<<40)
		assert.ErrorIs(t, err, domain.ErrNotFound)
	})
}

func TestConvert_staleLeadVersionIsAConflictAndCreatesNothing(t *testing.T) {
	t.Parallel()
	fx := newFixture()
	l := fx.qualifiedLead(t, 85)
	// Maria saves the lead while Bob looks at the conversion page.
	f := l.Fields()
	f.Score = 95
	read, err := fx.leads.Get(t.Context(), l.ID())
	require.NoError(t, err)
	_, err = fx.leads.Update(t.Context(), "maria", read, f)
	require.NoError(t, err)
	before := fx.counts(t)

	_, err = fx.service.Convert(t.Context(), "bob", request(l))

	var c *leadConflict
	require.ErrorAs(t, err, &c)
	assert.Equal(t, &domain.OptimisticLockError{Kind: lead.Kind, ID: l.ID(), Expected: 3, Actual: 4}, c.Lock)
	assert.Equal(t, 95, c.Current.Fields().Score, "the lead as Maria saved it")
	require.True(t, c.HasBase())
	assert.Equal(t, 85, c.Base.Fields().Score, "the lead as Bob saw it")
	assert.True(t, domain.IsOptimisticLock(err))
	assert.Equal(t, before, fx.counts(t), "no contact, no deal")
	stored := fx.stored(t, l.ID())
	assert.Equal(t, lead.StatusQualified, stored.Status())
	assert.Equal(t, int64(4), stored.Version())
}

func TestConvert_ruleFailuresCreateNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(t *testing.T, fx fixture) *lead.Lead
		link  bool // link a contact that no longer exists
		want  string
	}{
		{"a score below 80", func(t *testing.T, fx fixture) *lead.Lead { return fx.qualifiedLead(t, 79) },
			false, "Score 79 is below the 80 needed to convert."},
		{"a lead that is not QUALIFIED", func(t *testing.T, fx fixture) *lead.Lead { return fx.newLead(t, 95) },
			false, "Cannot move from NEW to CONVERTED."},
		{"a lead converted already", func(t *testing.T, fx fixture) *lead.Lead {
			l := fx.qualifiedLead(t, 85)
			res, err := fx.service.Convert(t.Context(), "bob", request(l))
			require.NoError(t, err)
			return res.Lead
		}, false, "The lead is already CONVERTED."},
		{"a linked contact that was deleted", func(t *testing.T, fx fixture) *lead.Lead { return fx.qualifiedLead(t, 85) },
			true, "The contact to link was deleted; restore it from the Trash, create a new one or pick another."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture()
			l := tt.setup(t, fx)
			req := request(l)
			if tt.link {
				gone := fx.createContact(t, contact.Fields{Name: "Gone Away"})
				_, err := contacts.NewService(fx.db.Contacts).Delete(t.Context(), "ana", gone.ID(), gone.Version())
				require.NoError(t, err)
				req.LinkContact = gone.ID()
			}
			before := fx.counts(t)

			_, err := fx.service.Convert(t.Context(), "bob", req)

			var rule *domain.RuleError
			require.ErrorAs(t, err, &rule)
			assert.Equal(t, tt.want, rule.Message)
			assert.False(t, domain.IsOptimisticLock(err))
			assert.Equal(t, before, fx.counts(t))
			assert.Equal(t, l.Snapshot(), fx.stored(t, l.ID()).Snapshot(), "the lead unchanged")
		})
	}
}

func TestConvert_invalidContactOrDealIsReportedPerPartAndCreatesNothing(t *testing.T) {
	t.Parallel()
	// A message of "" stands for any message: the email's wording is the
	// domain's to choose.
	tests := []struct {
		name     string
		edit     func(*conversion.Request)
		contactM map[string]string // field → message, nil for a valid contact
		dealM    map[string]string // field → message, nil for a valid deal
	}{
		{"both invalid", func(r *conversion.Request) {
			r.Contact.Name, r.Contact.Email, r.Deal.Title = " ", "not an email", ""
		}, map[string]string{contact.FieldName: "Name is required.", contact.FieldEmail: ""}, map[string]string{deal.FieldTitle: "Title is required."}},
		{"only the contact", func(r *conversion.Request) { r.Contact.Name = "" },
			map[string]string{contact.FieldName: "Name is required."}, nil},
		{"only the deal", func(r *conversion.Request) { r.Deal.Title = "   " },
			nil, map[string]string{deal.FieldTitle: "Title is required."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture()
			l := fx.qualifiedLead(t, 85)
			req := request(l)
			tt.edit(&req)
			before := fx.counts(t)

			_, err := fx.service.Convert(t.Context(), "bob", req)

			var invalid *conversion.InvalidError
			require.ErrorAs(t, err, &invalid)
			check := func(part error, want map[string]string) {
				if want == nil {
					assert.NoError(t, part)
					return
				}
				var v *domain.ValidationError
				require.ErrorAs(t, part, &v)
				for field, msg := range want {
					if msg == "" {
						assert.NotEmpty(t, v.For(field), field)
					} else {
						assert.Equal(t, msg, v.For(field))
					}
				}
			}
			check(invalid.Contact, tt.contactM)
			check(invalid.Deal, tt.dealM)
			var anyInvalid *domain.ValidationError
			assert.ErrorAs(t, err, &anyInvalid, "the delivery layer sees a validation error")
			assert.Equal(t, before, fx.counts(t))
			assert.Equal(t, l.Snapshot(), fx.stored(t, l.ID()).Snapshot())
		})
	}
}

// failingUnitOfWork runs the database's unit of work but makes the deal's
// creation fail after the deal was stored, the worst moment: the contact
// and the deal exist inside the unit of work when the error comes.
type failingUnitOfWork struct{ real conversion.UnitOfWork }

var errDiskFull = errors.New("could not extend file: No space left on device")

func (u failingUnitOfWork) Do(ctx context.Context, fn func(context.Context, conversion.Repos) error) error {
	return u.real.Do(ctx, func(ctx context.Context, r conversion.Repos) error {
		return fn(ctx, failingDeals{Repos: r})
	})
}

type failingDeals struct{ conversion.Repos }

func (r failingDeals) Deals() conversion.DealStore { return failingDealStore{r.Repos.Deals()} }

type failingDealStore struct{ real conversion.DealStore }

func (s failingDealStore) Create(ctx context.Context, d *deal.Deal) (*deal.Deal, error) {
	if _, err := s.real.Create(ctx, d); err != nil {
		return nil, err
	}
	return nil, errDiskFull
}

func TestConvert_aFailingDealLeavesNoContactAndTheLeadUnchanged(t *testing.T) {
	t.Parallel()
	fx := newFixture()
	l := fx.qualifiedLead(t, 85)
	before := fx.counts(t)

	_, err := fx.serviceWith(failingUnitOfWork{real: fx.db}).Convert(t.Context(), "bob", request(l))

	require.ErrorIs(t, err, errDiskFull)
	assert.Equal(t, before, fx.counts(t), "the contact and the deal are rolled back")
	assert.Equal(t, l.Snapshot(), fx.stored(t, l.ID()).Snapshot(), "the lead is still QUALIFIED at version 3")
	page, err := fx.leads.History(t.Context(), l.ID(), record.Paging{})
	require.NoError(t, err)
	h := page.Items
	assert.Equal(t, lead.EventStatusChanged, h[0].Name, "no deal or conversion event recorded")

	// The same request goes through once the store is healthy again.
	res, err := fx.service.Convert(t.Context(), "bob", request(l))
	require.NoError(t, err)
	assert.Equal(t, lead.StatusConverted, res.Lead.Status())
	assert.Equal(t, counts{Contacts: before.Contacts + 1, Deals: before.Deals + 1}, fx.counts(t))
}

func TestConvert_aLeadThatHasADealAlreadyLeavesNoOrphanContact(t *testing.T) {
	t.Parallel()
	fx := newFixture()
	l := fx.qualifiedLead(t, 85)
	// A deal already points at the lead, so the one-deal-per-lead
	// constraint refuses the conversion's deal after its contact was made.
	owner := fx.createContact(t, contact.Fields{Name: "Someone Else"})
	earlier, err := deal.New(deal.Fields{Title: "Earlier deal", Amount: deal.Money{Minor: 100, Currency: "EUR"}}, owner.ID(), l.ID(), "ana")
	require.NoError(t, err)
	_, err = fx.db.Deals.Create(t.Context(), earlier)
	require.NoError(t, err)
	before := fx.counts(t)

	_, err = fx.service.Convert(t.Context(), "bob", request(l))

	var rule *domain.RuleError
	require.ErrorAs(t, err, &rule)
	assert.Equal(t, "This lead already has a deal.", rule.Message)
	assert.Equal(t, before, fx.counts(t), "the contact created before the deal is rolled back")
	assert.Equal(t, l.Snapshot(), fx.stored(t, l.ID()).Snapshot())
}

func TestConvert_tenRepsConvertingOneLeadAtOnceMakeOneConversion(t *testing.T) {
	t.Parallel()
	fx := newFixture()
	l := fx.qualifiedLead(t, 85)
	before := fx.counts(t)
	const reps = 10
	start := make(chan struct{})
	errs := make([]error, reps)
	var wg sync.WaitGroup
	for i := range reps {
		wg.Go(func() {
			<-start
			_, errs[i] = fx.service.Convert(context.Background(), "rep", request(l))
		})
	}
	close(start)
	wg.Wait()

	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		var c *leadConflict
		if assert.ErrorAs(t, err, &c, "a loser gets the conflict, not %v", err) {
			assert.Equal(t, lead.StatusConverted, c.Current.Status())
		}
	}
	assert.Equal(t, 1, won, "exactly one conversion")
	assert.Equal(t, counts{Contacts: before.Contacts + 1, Deals: before.Deals + 1}, fx.counts(t))
}

func TestConvert_aMissingLeadIsNotFound(t *testing.T) {
	t.Parallel()
	fx := newFixture()

	_, err := fx.service.Convert(t.Context(), "bob", conversion.Request{LeadID: 999, LeadVersion: 1, Contact: adaContact(), Deal: adaDeal()})

	assert.ErrorIs(t, err, domain.ErrNotFound)
	var c *leadConflict
	assert.False(t, errors.As(err, &c))
	assert.Equal(t, counts{}, fx.counts(t))
}
