package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/conflict"
	"crm/usecase/conversion"
	"crm/usecase/record"
)

// conversionFixture is a fresh database with the conversion use case wired
// as the app wires it.
type conversionFixture struct {
	pool     *pgxpool.Pool
	leads    *postgres.LeadRepository
	contacts *postgres.ContactRepository
	service  *conversion.Service
}

func newConversionFixture(t *testing.T) conversionFixture {
	t.Helper()
	pool := pgtest.New(t).Pool
	fx := conversionFixture{
		pool:     pool,
		leads:    postgres.NewLeadRepository(pool),
		contacts: postgres.NewContactRepository(pool),
	}
	fx.service = conversion.NewService(postgres.NewUnitOfWork(pool), fx.leads, fx.contacts)
	return fx
}

// qualifiedLead stores Ada's lead with score and moves it to QUALIFIED, at
// version 3.
func (fx conversionFixture) qualifiedLead(t *testing.T, score int) *lead.Lead {
	t.Helper()
	f := ada()
	f.Score = score
	l := create(t, fx.leads, f)
	for _, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
		var err error
		l, err = fx.leads.Update(t.Context(), l.ID(), l.Version(), func(l *lead.Lead) (bool, error) {
			return true, l.MoveTo(to, "ana")
		})
		require.NoError(t, err)
	}
	require.Equal(t, int64(3), l.Version())
	return l
}

func adaDeal() deal.Fields {
	return deal.Fields{Title: "Analytical Engines", Amount: deal.Money{Minor: 1_250_000, Currency: "EUR"}}
}

func adaContact() contact.Fields {
	f := ada()
	return contact.Fields{Name: f.Name, Email: f.Email, Phone: f.Phone, Company: f.Company}
}

func (fx conversionFixture) request(l *lead.Lead) conversion.Request {
	return conversion.Request{LeadID: l.ID(), LeadVersion: l.Version(), Contact: adaContact(), Deal: adaDeal()}
}

// counts is how many rows the tables a conversion writes hold.
type counts struct {
	Contacts, Deals, Activity, LeadVersions int
}

func (fx conversionFixture) counts(t *testing.T) counts {
	t.Helper()
	var c counts
	require.NoError(t, fx.pool.QueryRow(t.Context(), `SELECT
		(SELECT count(*) FROM contacts), (SELECT count(*) FROM deals),
		(SELECT count(*) FROM activity), (SELECT count(*) FROM lead_versions)`).
		Scan(&c.Contacts, &c.Deals, &c.Activity, &c.LeadVersions))
	return c
}

// activityRef is one activity row with its refs, oldest first.
type activityRef struct {
	Kind    string           `db:"aggregate_kind"`
	ID      int64            `db:"aggregate_id"`
	Version int64            `db:"version"`
	Event   string           `db:"event"`
	Actor   string           `db:"actor"`
	Refs    map[string]int64 `db:"refs"`
}

func (fx conversionFixture) activitySince(t *testing.T, c counts) []activityRef {
	t.Helper()
	rows, err := fx.pool.Query(t.Context(), `SELECT aggregate_kind, aggregate_id, version, event, actor, refs
		FROM activity ORDER BY id OFFSET $1`, c.Activity)
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[activityRef])
	require.NoError(t, err)
	return got
}

// The conversion's outcomes are specified by the use case's own tests in
// usecase/conversion, on the in-memory store that the contract suites in
// infrastructure/contract prove behaves like PostgreSQL. The tests here are
// those only PostgreSQL can have: the rows and events one transaction
// commits or rolls back, its unique index, its row locks and its history
// query.

func TestConversion_CreatesTheContactAndTheDealAndConvertsTheLead(t *testing.T) {
	t.Parallel()
	fx := newConversionFixture(t)
	l := fx.qualifiedLead(t, 85)
	before := fx.counts(t)

	res, err := fx.service.Convert(t.Context(), "bob", fx.request(l))

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

	stored, err := fx.leads.Get(t.Context(), l.ID())
	require.NoError(t, err)
	assert.Equal(t, res.Lead.Snapshot(), stored.Snapshot())
	after := fx.counts(t)
	assert.Equal(t, before.Contacts+1, after.Contacts)
	assert.Equal(t, before.Deals+1, after.Deals)
	assert.Equal(t, before.LeadVersions+1, after.LeadVersions)
	assert.Equal(t, []activityRef{
		{Kind: "contact", ID: res.Contact.ID(), Version: 1, Event: contact.EventCreated, Actor: "bob", Refs: map[string]int64{}},
		{Kind: "deal", ID: res.Deal.ID(), Version: 1, Event: deal.EventCreated, Actor: "bob",
			Refs: map[string]int64{deal.FieldContact: res.Contact.ID(), deal.FieldLead: l.ID()}},
		{Kind: "lead", ID: l.ID(), Version: 4, Event: lead.EventConverted, Actor: "bob",
			Refs: map[string]int64{lead.RefContact: res.Contact.ID(), lead.RefDeal: res.Deal.ID()}},
	}, fx.activitySince(t, before), "each aggregate's events, committed with the conversion")
}

// diskFull makes PostgreSQL fail every deal's creation at its last write,
// the deal's activity row, as a full disk would: the conversion's contact
// and deal rows exist in its transaction when the error comes, the worst
// moment. It returns the function that frees the disk again.
func (fx conversionFixture) diskFull(t *testing.T) (free func()) {
	t.Helper()
	_, err := fx.pool.Exec(t.Context(), `
		CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
		END $$;
		CREATE TRIGGER disk_full AFTER INSERT ON activity
			FOR EACH ROW WHEN (NEW.aggregate_kind = 'deal') EXECUTE FUNCTION disk_full()`)
	require.NoError(t, err)
	return func() {
		_, err := fx.pool.Exec(t.Context(), `DROP TRIGGER disk_full ON activity`)
		require.NoError(t, err)
	}
}

// requireDiskFull checks that err carries the database's disk_full error.
func requireDiskFull(t *testing.T, err error) {
	t.Helper()
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "53100", pgErr.Code, "disk_full")
}

func TestConversion_FailingDealInsertLeavesContactDealAndLeadUnchanged(t *testing.T) {
	t.Parallel()
	fx := newConversionFixture(t)
	l := fx.qualifiedLead(t, 85)
	before := fx.counts(t)
	free := fx.diskFull(t)

	_, err := fx.service.Convert(t.Context(), "bob", fx.request(l))

	requireDiskFull(t, err)
	assert.Equal(t, before, fx.counts(t), "the contact and deal inserts and their events are rolled back")
	stored, err := fx.leads.Get(t.Context(), l.ID())
	require.NoError(t, err)
	assert.Equal(t, l.Snapshot(), stored.Snapshot(), "the lead is still QUALIFIED at version 3")

	// The same request goes through once the database is healthy again.
	free()
	res, err := fx.service.Convert(t.Context(), "bob", fx.request(l))
	require.NoError(t, err)
	assert.Equal(t, lead.StatusConverted, res.Lead.Status())
}

func TestConversion_DealConstraintViolationLeavesNoOrphanContact(t *testing.T) {
	t.Parallel()
	fx := newConversionFixture(t)
	l := fx.qualifiedLead(t, 85)
	// A deal already points at the lead (made outside the app), so the
	// database's one-deal-per-lead index refuses the conversion's deal
	// after the contact was inserted.
	owner := insertContactRow(t, fx.pool, "Someone Else")
	_, err := fx.pool.Exec(t.Context(), `INSERT INTO deals (title, amount_minor, currency, contact_id, lead_id)
		VALUES ('Earlier deal', 100, 'EUR', $1, $2)`, owner, l.ID())
	require.NoError(t, err)
	before := fx.counts(t)

	_, err = fx.service.Convert(t.Context(), "bob", fx.request(l))

	var rule *domain.RuleError
	require.ErrorAs(t, err, &rule)
	assert.Equal(t, "This lead already has a deal.", rule.Message)
	assert.Equal(t, before, fx.counts(t), "the contact created before the deal is rolled back")
	stored, err := fx.leads.Get(t.Context(), l.ID())
	require.NoError(t, err)
	assert.Equal(t, l.Snapshot(), stored.Snapshot())
}

func TestConversion_TenRepsConvertTheSameLeadAtOnce(t *testing.T) {
	t.Parallel()
	fx := newConversionFixture(t)
	const rounds, reps = 5, 10
	for round := range rounds {
		l := fx.qualifiedLead(t, 85)
		req := fx.request(l)
		req.Contact.Email = fmt.Sprintf("ada%d@example.com", round) // a contact of its own each round
		before := fx.counts(t)
		errs := make([]error, reps)
		atOnce(reps, func(i int) {
			_, errs[i] = fx.service.Convert(context.Background(), "rep", req)
		})

		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			var c *conflict.Error[*lead.Lead, lead.Fields]
			if assert.ErrorAs(t, err, &c, "round %d: a loser gets the conflict, not %v", round, err) {
				assert.Equal(t, lead.StatusConverted, c.Current.Status())
			}
		}
		assert.Equal(t, 1, won, "round %d: exactly one conversion", round)
		after := fx.counts(t)
		assert.Equal(t, before.Contacts+1, after.Contacts, "round %d: one contact", round)
		assert.Equal(t, before.Deals+1, after.Deals, "round %d: one deal", round)
		var converted int
		require.NoError(t, fx.pool.QueryRow(t.Context(), `SELECT count(*) FROM activity
			WHERE aggregate_kind = 'lead' AND aggregate_id = $1 AND event = $2`, l.ID(), lead.EventConverted).Scan(&converted))
		assert.Equal(t, 1, converted, "round %d: one LeadConverted event", round)
	}
}

func TestLeadHistory_EditedConvertedThenDealWon(t *testing.T) {
	t.Parallel()
	fx := newConversionFixture(t)
	l := fx.qualifiedLead(t, 80)
	l, err := fx.leads.Update(t.Context(), l.ID(), l.Version(), setScore(92, "maria"))
	require.NoError(t, err)
	res, err := fx.service.Convert(t.Context(), "john", fx.request(l))
	require.NoError(t, err)
	deals := postgres.NewDealRepository(fx.pool)
	_, err = deals.Update(t.Context(), res.Deal.ID(), 1, moveDealTo(deal.StageWon, "maria"))
	require.NoError(t, err)

	page, err := fx.leads.History(t.Context(), l.ID(), record.Paging{})
	require.NoError(t, err)
	h := page.Items
	type line struct {
		Kind    string
		Version int64
		Event   string
		Actor   string
		Changes []domain.Change
	}
	got := make([]line, len(h))
	for i, e := range h {
		got[i] = line{e.Kind, e.Version, e.Name, e.Actor, e.Changes}
	}
	status := func(from, to string) []domain.Change { return []domain.Change{{Field: "status", Old: from, New: to}} }
	assert.Equal(t, []line{
		{"deal", 2, deal.EventStageChanged, "maria", []domain.Change{{Field: deal.FieldStage, Old: "QUALIFICATION", New: "WON"},
			{Field: deal.FieldClosedOn, Old: "", New: wonToday.ClosedOn.String()}}},
		{"lead", 5, lead.EventConverted, "john", status("QUALIFIED", "CONVERTED")},
		{"deal", 1, deal.EventCreated, "john", []domain.Change{{Field: deal.FieldTitle, Old: "", New: "Analytical Engines"},
			{Field: deal.FieldAmount, Old: "", New: "12500.00 EUR"}}},
		{"lead", 4, lead.EventUpdated, "maria", []domain.Change{{Field: lead.FieldScore, Old: "80", New: "92"}}},
		{"lead", 3, lead.EventStatusChanged, "ana", status("CONTACTED", "QUALIFIED")},
		{"lead", 2, lead.EventStatusChanged, "ana", status("NEW", "CONTACTED")},
		{"lead", 1, lead.EventCreated, "ana", h[len(h)-1].Changes},
	}, got, "newest first: the deal's life continues the lead's story; the contact's events stay on the contact")
	assert.Equal(t, map[string]int64{lead.RefContact: res.Contact.ID(), lead.RefDeal: res.Deal.ID()}, h[1].Refs)
}

// Finding 10 of the security review: two leads with one email, converted
// at the same instant, link one contact.
func TestConversion_TwoLeadsWithOneEmailConvertedAtOnceShareOneContact(t *testing.T) {
	t.Parallel()
	fx := newConversionFixture(t)
	for round := range 5 {
		first, second := fx.qualifiedLead(t, 85), fx.qualifiedLead(t, 85)
		email := fmt.Sprintf("twice%d@example.com", round)
		results := make([]conversion.Result, 2)
		errs := make([]error, 2)
		atOnce(2, func(i int) {
			req := fx.request([]*lead.Lead{first, second}[i])
			req.Contact.Email = email
			results[i], errs[i] = fx.service.Convert(context.Background(), "rep", req)
		})
		require.NoError(t, errs[0], "round %d", round)
		require.NoError(t, errs[1], "round %d", round)
		assert.Equal(t, results[0].Contact.ID(), results[1].Contact.ID(), "round %d: both deals are with one contact", round)
		assert.NotEqual(t, results[0].ContactCreated, results[1].ContactCreated, "round %d: one created it, one linked it", round)
		assert.Equal(t, 1, countRows(t, fx.pool, `SELECT count(*) FROM contacts WHERE lower(email) = $1`, email))
	}
}
