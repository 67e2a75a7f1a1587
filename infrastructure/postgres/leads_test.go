package postgres_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/leads"
)

func newRepo(t *testing.T) *postgres.LeadRepository {
	t.Helper()
	return postgres.NewLeadRepository(pgtest.New(t).Pool)
}

func create(t *testing.T, repo *postgres.LeadRepository, f lead.Fields) *lead.Lead {
	t.Helper()
	l, err := lead.New(f, "ana")
	require.NoError(t, err)
	created, err := repo.Create(t.Context(), l)
	require.NoError(t, err)
	return created
}

func ada() lead.Fields {
	return lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines", Phone: "+44 20 7946 0000", Source: "Referral", Score: 70, Notes: "Met at the\nRoyal Society."}
}

// setScore is an apply closure that edits the score as the use case would.
func setScore(score int, by string) func(*lead.Lead) (bool, error) {
	return func(l *lead.Lead) (bool, error) {
		f := l.Fields()
		f.Score = score
		changed, err := l.Edit(f, by)
		return len(changed) > 0, err
	}
}

func TestLeadRepository_CreateThenGetReturnsTheStoredLead(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)

	created := create(t, repo, ada())

	assert.Positive(t, created.ID())
	assert.Equal(t, int64(1), created.Version())
	assert.False(t, created.CreatedAt().IsZero())
	got, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, created.Snapshot(), got.Snapshot())
	assert.Equal(t, ada(), got.Fields())
	assert.Equal(t, lead.StatusNew, got.Status())
	assert.Equal(t, "ana", got.Owner())
	assert.Equal(t, "ana", got.UpdatedBy())
}

func TestLeadRepository_MissingLeadIsNotFound(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)

	_, err := repo.Get(t.Context(), 424242)
	assert.ErrorIs(t, err, domain.ErrNotFound)

	_, err = repo.Update(t.Context(), 424242, 1, func(*lead.Lead) (bool, error) {
		t.Error("apply called for a missing lead")
		return true, nil
	})
	assert.ErrorIs(t, err, domain.ErrNotFound)
}

func TestLeadRepository_FreshSaveBumpsTheVersionAndPersists(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	created := create(t, repo, ada())

	saved, err := repo.Update(t.Context(), created.ID(), 1, setScore(85, "bruno"))
	require.NoError(t, err)

	assert.Equal(t, int64(2), saved.Version())
	assert.Equal(t, 85, saved.Fields().Score)
	assert.Equal(t, "bruno", saved.UpdatedBy())
	assert.False(t, saved.UpdatedAt().Before(created.UpdatedAt()))
	assert.Equal(t, created.CreatedAt(), saved.CreatedAt())
	got, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, saved.Snapshot(), got.Snapshot())
}

func TestLeadRepository_StaleSaveFailsAndChangesNothing(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	created := create(t, repo, ada())
	_, err := repo.Update(t.Context(), created.ID(), 1, setScore(85, "bruno"))
	require.NoError(t, err)
	before, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)

	_, err = repo.Update(t.Context(), created.ID(), 1, func(*lead.Lead) (bool, error) {
		t.Error("apply called for a stale version")
		return true, nil
	})

	var lockErr *domain.OptimisticLockError
	require.ErrorAs(t, err, &lockErr)
	assert.Equal(t, domain.OptimisticLockError{Kind: lead.Kind, ID: created.ID(), Expected: 1, Actual: 2}, *lockErr)
	after, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, before.Snapshot(), after.Snapshot())
}

func TestLeadRepository_SaveOfUnchangedFieldsKeepsTheVersion(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	created := create(t, repo, ada())

	saved, err := repo.Update(t.Context(), created.ID(), 1, func(l *lead.Lead) (bool, error) {
		changed, err := l.Edit(ada(), "bruno")
		return len(changed) > 0, err
	})
	require.NoError(t, err)

	assert.Equal(t, created.Snapshot(), saved.Snapshot())
	got, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, created.Snapshot(), got.Snapshot(), "updated_by and updated_at untouched too")
}

func TestLeadRepository_ApplyErrorPassesThroughAndWritesNothing(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	created := create(t, repo, ada())
	ruleErr := &domain.RuleError{Field: lead.FieldStatus, Message: "Cannot move from NEW to QUALIFIED."}

	_, err := repo.Update(t.Context(), created.ID(), 1, func(l *lead.Lead) (bool, error) {
		_, _ = l.Edit(lead.Fields{Name: "Changed before failing"}, "bruno")
		return true, ruleErr
	})

	assert.Same(t, ruleErr, err, "the very error apply returned, unwrapped")
	got, err := repo.Get(t.Context(), created.ID())
	require.NoError(t, err)
	assert.Equal(t, created.Snapshot(), got.Snapshot())
}

func TestLeadRepository_StatusMoveIsSaved(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	f := ada()
	f.Score = 90
	created := create(t, repo, f)

	l, err := repo.Update(t.Context(), created.ID(), 1, moveTo(lead.StatusContacted))
	require.NoError(t, err)
	assert.Equal(t, lead.StatusContacted, l.Status())
	assert.Equal(t, int64(2), l.Version())
}

func TestLeadRepository_Delete(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	created := create(t, repo, ada())
	_, err := repo.Update(t.Context(), created.ID(), 1, setScore(85, "bruno"))
	require.NoError(t, err)

	t.Run("stale version is refused and keeps the lead", func(t *testing.T) {
		err := repo.Delete(t.Context(), created.ID(), 1)
		var lockErr *domain.OptimisticLockError
		require.ErrorAs(t, err, &lockErr)
		assert.Equal(t, int64(1), lockErr.Expected)
		assert.Equal(t, int64(2), lockErr.Actual)
		_, err = repo.Get(t.Context(), created.ID())
		assert.NoError(t, err)
	})
	t.Run("fresh version deletes", func(t *testing.T) {
		require.NoError(t, repo.Delete(t.Context(), created.ID(), 2))
		_, err := repo.Get(t.Context(), created.ID())
		assert.ErrorIs(t, err, domain.ErrNotFound)
	})
	t.Run("missing lead is not found", func(t *testing.T) {
		assert.ErrorIs(t, repo.Delete(t.Context(), created.ID(), 2), domain.ErrNotFound)
	})
}

// TestLeadRepository_StaleReaderLosesAndTheWinnerIsKept is the first seed's
// scenario: two reps open the lead at version 1, both save; the second save
// must not overwrite the first.
func TestLeadRepository_StaleReaderLosesAndTheWinnerIsKept(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	id := create(t, repo, ada()).ID()
	first, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	second, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, int64(1), first.Version())
	require.Equal(t, int64(1), second.Version())

	_, err = repo.Update(t.Context(), id, first.Version(), setScore(90, "ana"))
	require.NoError(t, err)
	_, err = repo.Update(t.Context(), id, second.Version(), setScore(10, "bruno"))

	lockErr, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "want an optimistic-lock error, got %v", err)
	assert.Equal(t, int64(1), lockErr.Expected)
	assert.Equal(t, int64(2), lockErr.Actual)
	got, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, 90, got.Fields().Score)
	assert.Equal(t, "ana", got.UpdatedBy())
	assert.Equal(t, int64(2), got.Version())
}

func TestLeadRepository_ListPagesNewestFirstWithoutGapsOrDuplicates(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	var want []int64
	for i := range 7 {
		f := ada()
		f.Name = fmt.Sprintf("Lead %d", i)
		want = append([]int64{create(t, repo, f).ID()}, want...) // newest first
	}

	var got []int64
	q := leads.ListQuery{Limit: 3}
	for pages := 1; ; pages++ {
		require.LessOrEqual(t, pages, 3, "more pages than 7 leads in threes need")
		page, err := repo.List(t.Context(), q)
		require.NoError(t, err)
		for _, l := range page.Leads {
			got = append(got, l.ID())
		}
		if page.Next == 0 {
			assert.Equal(t, 3, pages)
			break
		}
		assert.Len(t, page.Leads, 3)
		assert.Equal(t, page.Leads[len(page.Leads)-1].ID(), page.Next)
		q.After = page.Next
	}
	assert.Equal(t, want, got)
}

func TestLeadRepository_ListExactlyOnePageHasNoNext(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	for range 3 {
		create(t, repo, ada())
	}
	page, err := repo.List(t.Context(), leads.ListQuery{Limit: 3})
	require.NoError(t, err)
	assert.Len(t, page.Leads, 3)
	assert.Zero(t, page.Next)

	page, err = repo.List(t.Context(), leads.ListQuery{Limit: 3, Search: "nobody has this"})
	require.NoError(t, err)
	assert.Empty(t, page.Leads)
	assert.Zero(t, page.Next)
}

func TestLeadRepository_ListFiltersByStatus(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	var contacted []int64
	for i := range 5 {
		l := create(t, repo, ada())
		if i%2 == 0 {
			l, err := repo.Update(t.Context(), l.ID(), 1, moveTo(lead.StatusContacted))
			require.NoError(t, err)
			contacted = append([]int64{l.ID()}, contacted...)
		}
	}

	page, err := repo.List(t.Context(), leads.ListQuery{Status: lead.StatusContacted, Limit: 10})
	require.NoError(t, err)
	assert.Equal(t, contacted, ids(page.Leads))
	page, err = repo.List(t.Context(), leads.ListQuery{Status: lead.StatusContacted, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, contacted[:2], ids(page.Leads))
	page, err = repo.List(t.Context(), leads.ListQuery{Status: lead.StatusContacted, After: page.Next, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, contacted[2:], ids(page.Leads))
	assert.Zero(t, page.Next)
}

func TestLeadRepository_SearchMatchesNameEmailCompanyLiterally(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	mk := func(name, email, company string) int64 {
		return create(t, repo, lead.Fields{Name: name, Email: email, Company: company}).ID()
	}
	percent := mk("Grace Hopper", "grace@navy.mil", "100% Cotton Ltd")
	plain := mk("Alan Turing", "alan@bletchley.uk", "1000 Cotton Mills")
	underscore := mk("Edsger Dijkstra", "edsger_d@tue.nl", "Go To Harmful")
	backslash := mk("Barbara Liskov", "edsgerxd@mit.edu", `Back\slash Inc`) // "rxd" would match an unescaped r_d

	for _, tc := range []struct {
		search string
		want   []int64
	}{
		{"100%", []int64{percent}},       // not "100 then anything"
		{"100", []int64{plain, percent}}, // newest first
		{"r_d", []int64{underscore}},     // not "r, any one character, d"
		{`k\s`, []int64{backslash}},      // a backslash is no escape
		{"GRACE", []int64{percent}},      // case-insensitive, in name
		{"bletchley", []int64{plain}},    // in email
		{"harmful", []int64{underscore}}, // in company
		{"Cotton Grace", nil},            // a substring, not a set of words
		{"  turing  ", []int64{plain}},   // surrounding spaces ignored
		{"", []int64{backslash, underscore, plain, percent}},
	} {
		page, err := repo.List(t.Context(), leads.ListQuery{Search: tc.search, Limit: 10})
		require.NoError(t, err)
		assert.Equal(t, tc.want, ids(page.Leads), "search %q", tc.search)
	}
}

func TestLeadRepository_CountByStatusHasEveryStatus(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)

	counts, err := repo.CountByStatus(t.Context(), "")
	require.NoError(t, err)
	assert.Equal(t, map[lead.Status]int{"NEW": 0, "CONTACTED": 0, "QUALIFIED": 0, "CONVERTED": 0, "LOST": 0}, counts)

	for i := range 4 {
		f := ada()
		f.Company = fmt.Sprintf("Firm %d_x", i)
		l := create(t, repo, f)
		if i == 0 {
			_, err := repo.Update(t.Context(), l.ID(), 1, moveTo(lead.StatusLost))
			require.NoError(t, err)
		}
	}
	create(t, repo, lead.Fields{Name: "Someone else"})

	counts, err = repo.CountByStatus(t.Context(), "")
	require.NoError(t, err)
	assert.Equal(t, map[lead.Status]int{"NEW": 4, "CONTACTED": 0, "QUALIFIED": 0, "CONVERTED": 0, "LOST": 1}, counts)
	counts, err = repo.CountByStatus(t.Context(), "FIRM")
	require.NoError(t, err)
	assert.Equal(t, map[lead.Status]int{"NEW": 3, "CONTACTED": 0, "QUALIFIED": 0, "CONVERTED": 0, "LOST": 1}, counts)
	counts, err = repo.CountByStatus(t.Context(), "0_x")
	require.NoError(t, err)
	assert.Equal(t, map[lead.Status]int{"NEW": 0, "CONTACTED": 0, "QUALIFIED": 0, "CONVERTED": 0, "LOST": 1}, counts)
}

func moveTo(to lead.Status) func(*lead.Lead) (bool, error) {
	return func(l *lead.Lead) (bool, error) { return true, l.MoveTo(to, "bruno") }
}

func ids(ls []*lead.Lead) []int64 {
	var out []int64
	for _, l := range ls {
		out = append(out, l.ID())
	}
	return out
}
