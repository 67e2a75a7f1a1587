package leads_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/memory"
	"crm/usecase/conflict"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// leadConflict is the conflict error of a lead write.
type leadConflict = conflict.Error[*lead.Lead, lead.Fields]

func ada() lead.Fields {
	return lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines",
		Phone: "+44 20 7946 0000", Source: "Referral", Score: 70, Notes: "Met at the\nRoyal Society."}
}

// seeded returns a service on an empty in-memory store and Ada's lead,
// created by ana: NEW, at version 1.
func seeded(t *testing.T) (*leads.Service, *lead.Lead) {
	t.Helper()
	svc := leads.NewService(memory.New().Leads)
	l, err := svc.Create(t.Context(), "ana", ada())
	require.NoError(t, err)
	require.Equal(t, int64(1), l.Version())
	return svc, l
}

// mariaSaves has maria save lead id from version 1 with Ada's fields,
// changed by change, as another rep does first; it returns what she saved.
func mariaSaves(t *testing.T, svc *leads.Service, id int64, change func(*lead.Fields)) lead.Fields {
	t.Helper()
	f := ada()
	change(&f)
	_, err := svc.Save(t.Context(), "maria", id, 1, f)
	require.NoError(t, err)
	return f
}

// current reads lead id as stored now.
func current(t *testing.T, svc *leads.Service, id int64) *lead.Lead {
	t.Helper()
	l, err := svc.Get(t.Context(), id)
	require.NoError(t, err)
	return l
}

func TestService_Create(t *testing.T) {
	t.Parallel()

	t.Run("stores a NEW lead made by its creator at version one", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)

		stored := current(t, svc, l.ID())

		assert.Equal(t, ada(), stored.Fields())
		assert.Equal(t, lead.StatusNew, stored.Status())
		assert.Equal(t, "ana", stored.UpdatedBy())
		assert.Equal(t, int64(1), stored.Version())
		page, err := svc.History(t.Context(), l.ID(), record.Paging{})
		require.NoError(t, err)
		h := page.Items
		require.Len(t, h, 1)
		assert.Equal(t, lead.EventCreated, h[0].Name)
	})
	t.Run("normalizes what was typed", func(t *testing.T) {
		t.Parallel()
		svc := leads.NewService(memory.New().Leads)
		f := ada()
		f.Name = "  Ada Lovelace "

		l, err := svc.Create(t.Context(), "ana", f)

		require.NoError(t, err)
		assert.Equal(t, "Ada Lovelace", l.Fields().Name)
	})
	t.Run("refuses an invalid lead without storing it", func(t *testing.T) {
		t.Parallel()
		svc := leads.NewService(memory.New().Leads)

		l, err := svc.Create(t.Context(), "ana", lead.Fields{Email: "not an email", Score: 101})

		assert.Nil(t, l)
		var invalid *domain.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, "Name is required.", invalid.For(lead.FieldName))
		assert.NotEmpty(t, invalid.For(lead.FieldEmail))
		assert.Equal(t, "Score must be between 0 and 100; got 101.", invalid.For(lead.FieldScore))
		p, err := svc.List(t.Context(), leads.ListQuery{})
		require.NoError(t, err)
		assert.Empty(t, p.Items, "nothing stored")
	})
}

func TestService_Save(t *testing.T) {
	t.Parallel()

	t.Run("from the current version saves with no merge", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		f := ada()
		f.Score = 85

		saved, err := svc.Save(t.Context(), "john", l.ID(), 1, f)

		require.NoError(t, err)
		assert.Nil(t, saved.Merge)
		assert.Equal(t, int64(2), saved.Record.Version())
		assert.Equal(t, "john", saved.Record.UpdatedBy())
		assert.Equal(t, f, current(t, svc, l.ID()).Fields())
	})
	t.Run("a stale save of other fields merges onto the newer version", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		theirs := mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Phone = "+44 20 7946 0999" })
		yours := ada()
		yours.Score = 85

		saved, err := svc.Save(t.Context(), "john", l.ID(), 1, yours)

		require.NoError(t, err)
		assert.Equal(t, &conflict.Merge{From: 1, Onto: 2, By: "maria",
			Kept: []string{lead.FieldPhone}, Applied: []string{lead.FieldScore}}, saved.Merge)
		assert.Equal(t, int64(3), saved.Record.Version())
		assert.Equal(t, "john", saved.Record.UpdatedBy())
		want := ada()
		want.Phone, want.Score = theirs.Phone, yours.Score
		assert.Equal(t, want, saved.Record.Fields(), "maria's phone and john's score")
		assert.Equal(t, want, current(t, svc, l.ID()).Fields())
	})
	t.Run("a stale save of the same field is a conflict and writes nothing", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		theirs := mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Company = "Babbage & Co" })
		yours := ada()
		yours.Company, yours.Notes = "Difference Engines", "Call back in May."

		saved, err := svc.Save(t.Context(), "john", l.ID(), 1, yours)

		assert.Nil(t, saved.Merge)
		var c *leadConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, &domain.OptimisticLockError{Kind: lead.Kind, ID: l.ID(), Expected: 1, Actual: 2}, c.Lock)
		assert.Equal(t, []string{lead.FieldCompany}, c.Compare.Conflicts)
		assert.Equal(t, []string{lead.FieldNotes}, c.Compare.Yours)
		assert.Empty(t, c.Compare.Theirs)
		assert.Equal(t, yours, c.Compare.Proposed, "your company where both changed it, your notes")
		require.NotNil(t, c.Yours)
		assert.Equal(t, yours, *c.Yours)
		require.True(t, c.HasBase())
		assert.Equal(t, ada(), c.Base.Fields())
		assert.Equal(t, int64(1), c.Base.Version())
		assert.Equal(t, theirs, c.Current.Fields())
		assert.Equal(t, "maria", c.Current.UpdatedBy())
		assert.Empty(t, c.Wanted)
		stored := current(t, svc, l.ID())
		assert.Equal(t, int64(2), stored.Version(), "nothing written")
		assert.Equal(t, theirs, stored.Fields())
	})
	t.Run("a stale save merges onto a version that moved meanwhile, keeping the move", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		_, err := svc.Move(t.Context(), "maria", l.ID(), 1, lead.StatusContacted)
		require.NoError(t, err)
		yours := ada()
		yours.Notes = "Ask about the engine."

		saved, err := svc.Save(t.Context(), "john", l.ID(), 1, yours)

		require.NoError(t, err)
		require.NotNil(t, saved.Merge)
		assert.Empty(t, saved.Merge.Kept, "the status is no field a rep types")
		assert.Equal(t, []string{lead.FieldNotes}, saved.Merge.Applied)
		assert.Equal(t, lead.StatusContacted, saved.Record.Status())
		assert.Equal(t, yours, saved.Record.Fields())
	})
	t.Run("a save that changes nothing keeps the version", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		same := ada()
		same.Company = " " + same.Company + " "

		saved, err := svc.Save(t.Context(), "john", l.ID(), 1, same)

		require.NoError(t, err)
		assert.Nil(t, saved.Merge)
		assert.Equal(t, int64(1), saved.Record.Version())
		assert.Equal(t, "ana", saved.Record.UpdatedBy())
	})
}

func TestService_Move(t *testing.T) {
	t.Parallel()

	t.Run("from the current version moves with no merge", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)

		saved, err := svc.Move(t.Context(), "john", l.ID(), 1, lead.StatusContacted)

		require.NoError(t, err)
		assert.Nil(t, saved.Merge)
		assert.Equal(t, lead.StatusContacted, saved.Record.Status())
		assert.Equal(t, int64(2), saved.Record.Version())
	})
	t.Run("merges onto a newer version when nobody moved the lead", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Score = 90 })

		saved, err := svc.Move(t.Context(), "john", l.ID(), 1, lead.StatusContacted)

		require.NoError(t, err)
		assert.Equal(t, &conflict.Merge{From: 1, Onto: 2, By: "maria",
			Kept: []string{lead.FieldScore}, Applied: []string{lead.FieldStatus}}, saved.Merge)
		assert.Equal(t, []string{lead.FieldStatus}, saved.Merge.Applied)
		assert.Equal(t, lead.StatusContacted, saved.Record.Status())
		assert.Equal(t, 90, saved.Record.Fields().Score, "maria's save kept")
		assert.Equal(t, int64(3), saved.Record.Version())
		assert.Equal(t, "john", saved.Record.UpdatedBy())
	})
	t.Run("is a conflict when someone moved the lead meanwhile, and writes nothing", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		_, err := svc.Move(t.Context(), "maria", l.ID(), 1, lead.StatusLost)
		require.NoError(t, err)

		saved, err := svc.Move(t.Context(), "john", l.ID(), 1, lead.StatusContacted)

		assert.Nil(t, saved.Merge)
		var c *leadConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, "Contacted", c.Wanted, "the status asked for, as reps read it")
		assert.Equal(t, &domain.OptimisticLockError{Kind: lead.Kind, ID: l.ID(), Expected: 1, Actual: 2}, c.Lock)
		assert.Equal(t, lead.StatusLost, c.Current.Status())
		require.True(t, c.HasBase())
		assert.Equal(t, lead.StatusNew, c.Base.Status())
		assert.Nil(t, c.Yours, "a move types no fields")
		stored := current(t, svc, l.ID())
		assert.Equal(t, lead.StatusLost, stored.Status(), "nothing written")
		assert.Equal(t, int64(2), stored.Version())
	})
	t.Run("a move the state machine refuses is a rule error, not a conflict", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)

		_, err := svc.Move(t.Context(), "john", l.ID(), 1, lead.StatusQualified)

		var rule *domain.RuleError
		require.ErrorAs(t, err, &rule)
		assert.Equal(t, "Cannot move from NEW to QUALIFIED.", rule.Message)
		assert.False(t, domain.IsOptimisticLock(err))
		assert.Equal(t, int64(1), current(t, svc, l.ID()).Version())
	})
	t.Run("a lead is never converted by a move", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		for v, to := range []lead.Status{lead.StatusContacted, lead.StatusQualified} {
			_, err := svc.Move(t.Context(), "john", l.ID(), int64(v+1), to)
			require.NoError(t, err)
		}

		_, err := svc.Move(t.Context(), "john", l.ID(), 3, lead.StatusConverted)

		var rule *domain.RuleError
		require.ErrorAs(t, err, &rule)
		assert.Equal(t, lead.FieldStatus, rule.Field)
		assert.Equal(t, lead.StatusQualified, current(t, svc, l.ID()).Status())
	})
}

func TestService_ExactWritesNeverMerge(t *testing.T) {
	t.Parallel()
	// Maria saves the phone; John then writes from version 1 through the
	// writes an API client makes with If-Match.
	setup := func(t *testing.T) (*leads.Service, *lead.Lead) {
		t.Helper()
		svc, l := seeded(t)
		mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Phone = "+44 20 7946 0999" })
		return svc, l
	}

	t.Run("MoveAt from a stale version is a conflict that says where it wanted", func(t *testing.T) {
		t.Parallel()
		svc, l := setup(t)

		_, err := svc.MoveAt(t.Context(), "john", asRead(t, svc, l.ID(), 1), lead.StatusContacted)

		var c *leadConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, "Contacted", c.Wanted)
		assert.Equal(t, lead.StatusNew, c.Current.Status())
		assert.Equal(t, int64(1), c.Base.Version())
		assert.Nil(t, c.Yours)
		stored := current(t, svc, l.ID())
		assert.Equal(t, lead.StatusNew, stored.Status(), "nothing written")
		assert.Equal(t, int64(2), stored.Version())
	})
	t.Run("Update from a stale version is a conflict even for other fields", func(t *testing.T) {
		t.Parallel()
		svc, l := setup(t)
		yours := ada()
		yours.Score = 85

		_, err := svc.Update(t.Context(), "john", asRead(t, svc, l.ID(), 1), yours)

		var c *leadConflict
		require.ErrorAs(t, err, &c)
		assert.Empty(t, c.Compare.Conflicts, "nothing to resolve: the client may simply send it again")
		assert.Equal(t, []string{lead.FieldScore}, c.Compare.Yours)
		assert.Equal(t, []string{lead.FieldPhone}, c.Compare.Theirs)
		require.NotNil(t, c.Yours)
		assert.Equal(t, yours, *c.Yours)
		assert.Empty(t, c.Wanted)
		stored := current(t, svc, l.ID())
		assert.Equal(t, 70, stored.Fields().Score, "nothing written")
		assert.Equal(t, int64(2), stored.Version())
	})
	t.Run("MoveAt at the current version moves the lead", func(t *testing.T) {
		t.Parallel()
		svc, l := setup(t)

		moved, err := svc.MoveAt(t.Context(), "john", asRead(t, svc, l.ID(), 2), lead.StatusContacted)

		require.NoError(t, err)
		assert.Equal(t, lead.StatusContacted, moved.Status())
		assert.Equal(t, int64(3), moved.Version())
		page, err := svc.History(t.Context(), l.ID(), record.Paging{})
		require.NoError(t, err)
		h := page.Items
		require.NotEmpty(t, h)
		assert.Equal(t, lead.EventStatusChanged, h[0].Name, "newest first")
		assert.Equal(t, "john", h[0].Actor)
		assert.Equal(t, []domain.Change{{Field: lead.FieldStatus, Old: "NEW", New: "CONTACTED"}}, h[0].Changes)
	})
}

func TestService_Delete(t *testing.T) {
	t.Parallel()

	t.Run("from a stale version is a conflict and deletes nothing", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Score = 90 })

		_, err := svc.Delete(t.Context(), "john", l.ID(), 1)

		var c *leadConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, &domain.OptimisticLockError{Kind: lead.Kind, ID: l.ID(), Expected: 1, Actual: 2}, c.Lock)
		assert.Equal(t, 90, c.Current.Fields().Score, "what the rep would delete")
		assert.Nil(t, c.Yours)
		assert.Empty(t, c.Wanted)
		assert.False(t, current(t, svc, l.ID()).Deleted(), "still there")
	})
	t.Run("from the current version moves the lead to the trash, kept and versioned", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)

		deleted, err := svc.Delete(t.Context(), "maria", l.ID(), 1)
		require.NoError(t, err)

		assert.Equal(t, int64(2), deleted.Version(), "a delete is a version")
		got := current(t, svc, l.ID())
		assert.True(t, got.Deleted())
		assert.Equal(t, "maria", got.UpdatedBy())
		assert.Equal(t, ada(), got.Fields(), "nothing a rep typed is lost")
		p, err := svc.List(t.Context(), leads.ListQuery{})
		require.NoError(t, err)
		assert.Empty(t, p.Items, "out of the lists")
		_, err = svc.Delete(t.Context(), "john", l.ID(), 2)
		var gone *domain.DeletedError
		require.ErrorAs(t, err, &gone, "a second delete says who deleted it")
		assert.Equal(t, "maria", gone.By)
	})
	t.Run("a save, a move or an API update meeting a delete is refused with who deleted it", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		_, err := svc.Delete(t.Context(), "maria", l.ID(), 1)
		require.NoError(t, err)
		typed := ada()
		typed.Phone = "+44 1"

		for name, write := range map[string]func() error{
			"stale save":   func() error { _, err := svc.Save(t.Context(), "john", l.ID(), 1, typed); return err },
			"current save": func() error { _, err := svc.Save(t.Context(), "john", l.ID(), 2, typed); return err },
			"stale move":   func() error { _, err := svc.Move(t.Context(), "john", l.ID(), 1, lead.StatusContacted); return err },
			"save and move": func() error {
				_, err := svc.SaveAndMove(t.Context(), "john", l.ID(), 1, typed, lead.StatusContacted)
				return err
			},
			"update": func() error { _, err := svc.Update(t.Context(), "john", asRead(t, svc, l.ID(), 1), typed); return err },
			"move at": func() error {
				_, err := svc.MoveAt(t.Context(), "john", asRead(t, svc, l.ID(), 2), lead.StatusContacted)
				return err
			},
		} {
			var gone *domain.DeletedError
			require.ErrorAs(t, write(), &gone, name)
			assert.Equal(t, "maria", gone.By, name)
		}
		got := current(t, svc, l.ID())
		assert.Equal(t, int64(2), got.Version(), "nothing was written")
		assert.Equal(t, ada(), got.Fields())
	})
	t.Run("restore brings the lead back as deleted, at the version the trash showed", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		_, err := svc.Delete(t.Context(), "maria", l.ID(), 1)
		require.NoError(t, err)

		_, err = svc.Restore(t.Context(), "john", l.ID(), 1)
		var gone *domain.DeletedError
		require.ErrorAs(t, err, &gone, "a restore names the version that deleted it; the error says which")
		assert.Equal(t, int64(2), current(t, svc, l.ID()).Version(), "nothing written")
		restored, err := svc.Restore(t.Context(), "john", l.ID(), 2)
		require.NoError(t, err)

		assert.False(t, restored.Deleted())
		assert.Equal(t, int64(3), restored.Version())
		assert.Equal(t, ada(), restored.Fields())
		p, err := svc.List(t.Context(), leads.ListQuery{})
		require.NoError(t, err)
		assert.Equal(t, []int64{l.ID()}, []int64{p.Items[0].ID()}, "back in the lists")
		_, err = svc.Restore(t.Context(), "john", l.ID(), 3)
		var rule *domain.RuleError
		require.ErrorAs(t, err, &rule, "a live lead cannot be restored")
	})
	t.Run("restore with my changes merges what the rep typed before the delete", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Score = 90 })
		_, err := svc.Delete(t.Context(), "maria", l.ID(), 2)
		require.NoError(t, err)
		typed := ada()
		typed.Phone = "+44 1" // john, on version 1, changed the phone

		res, err := svc.RestoreAndSave(t.Context(), "john", l.ID(), 1, typed)
		require.NoError(t, err)

		got := current(t, svc, l.ID())
		assert.False(t, got.Deleted())
		assert.Equal(t, "+44 1", got.Fields().Phone, "john's change")
		assert.Equal(t, 90, got.Fields().Score, "maria's save before the delete is kept")
		require.NotNil(t, res.Merge)
		assert.Equal(t, []string{lead.FieldPhone}, res.Merge.Applied)
	})
	t.Run("restore with my changes over a field changed since is a conflict", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Score = 90 })
		_, err := svc.Delete(t.Context(), "maria", l.ID(), 2)
		require.NoError(t, err)
		typed := ada()
		typed.Score = 10

		_, err = svc.RestoreAndSave(t.Context(), "john", l.ID(), 1, typed)

		var c *leadConflict
		require.ErrorAs(t, err, &c)
		assert.True(t, c.Current.Deleted(), "still deleted: nothing was written")
		assert.Equal(t, []string{lead.FieldScore}, c.Compare.Conflicts)
	})
}

func TestService_ErrorsNameTheMissingLead(t *testing.T) {
	t.Parallel()
	svc, _ := seeded(t)
	const missing = 999
	tests := []struct {
		name    string
		call    func(ctx context.Context) error
		context string
	}{
		{"Get", func(ctx context.Context) error { _, err := svc.Get(ctx, missing); return err }, "get lead 999"},
		{"Save", func(ctx context.Context) error { _, err := svc.Save(ctx, "john", missing, 1, ada()); return err }, "save lead 999"},
		{"Update", func(ctx context.Context) error {
			_, err := svc.Update(ctx, "john", asRead(t, svc, missing, 1), ada())
			return err
		}, "update lead 999"},
		{"Move", func(ctx context.Context) error {
			_, err := svc.Move(ctx, "john", missing, 1, lead.StatusContacted)
			return err
		}, "move lead 999 to CONTACTED"},
		{"MoveAt", func(ctx context.Context) error {
			_, err := svc.MoveAt(ctx, "john", asRead(t, svc, missing, 1), lead.StatusContacted)
			return err
		}, "move lead 999 to CONTACTED"},
		{"Delete", func(ctx context.Context) error { _, err := svc.Delete(ctx, "john", missing, 1); return err }, "delete lead 999"},
		{"Restore", func(ctx context.Context) error { _, err := svc.Restore(ctx, "john", missing, 1); return err }, "restore lead 999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t.Context())

			require.Error(t, err)
			assert.ErrorIs(t, err, domain.ErrNotFound)
			var nf *domain.NotFoundError
			require.True(t, errors.As(err, &nf))
			assert.Equal(t, lead.Kind, nf.Kind)
			assert.Equal(t, int64(missing), nf.ID)
			assert.Contains(t, err.Error(), tt.context, "wrapped with what was being done")
			assert.False(t, domain.IsOptimisticLock(err))
		})
	}
}

func TestService_ListAndCountByStatus(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc := leads.NewService(memory.New().Leads)
	var ids []int64
	for _, name := range []string{"Ada Lovelace", "Grace Hopper", "Ada Yonath"} {
		f := ada()
		f.Name, f.Email = name, ""
		l, err := svc.Create(ctx, "ana", f)
		require.NoError(t, err)
		ids = append(ids, l.ID())
	}
	_, err := svc.MoveAt(ctx, "ana", asRead(t, svc, ids[1], 1), lead.StatusContacted)
	require.NoError(t, err)
	idsOf := func(p record.Page[*lead.Lead]) []int64 {
		out := []int64{}
		for _, l := range p.Items {
			out = append(out, l.ID())
		}
		return out
	}

	first, err := svc.List(ctx, leads.ListQuery{Paging: record.Paging{Limit: 2}})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[2], ids[1]}, idsOf(first), "newest first")
	assert.Equal(t, ids[1], first.Next)
	rest, err := svc.List(ctx, leads.ListQuery{Paging: record.Paging{After: first.Next, Limit: 2}})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[0]}, idsOf(rest))
	assert.Zero(t, rest.Next)

	newAda, err := svc.List(ctx, leads.ListQuery{Status: lead.StatusNew, Search: "ADA"})
	require.NoError(t, err)
	assert.Equal(t, []int64{ids[2], ids[0]}, idsOf(newAda), "status and search both filter")

	counts, err := svc.CountByStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[lead.Status]int{lead.StatusNew: 2, lead.StatusContacted: 1,
		lead.StatusQualified: 0, lead.StatusConverted: 0, lead.StatusLost: 0}, counts)
}

func TestService_DoubleSubmitsAreOneWrite(t *testing.T) {
	t.Parallel()

	t.Run("the same save sent twice from one version saves once, with no merge", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		f := ada()
		f.Score = 88
		_, err := svc.Save(t.Context(), "bruno", l.ID(), 1, f)
		require.NoError(t, err)

		again, err := svc.Save(t.Context(), "bruno", l.ID(), 1, f)

		require.NoError(t, err)
		assert.Nil(t, again.Merge, "his own save, not someone else's to merge with")
		assert.Equal(t, int64(2), again.Record.Version())
	})
	t.Run("his own stale save of other lines of the notes is a merge, not a double click", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		f := ada()
		f.Notes = "One.\nTwo.\nThree."
		_, err := svc.Save(t.Context(), "bruno", l.ID(), 1, f)
		require.NoError(t, err)
		first, second := f, f
		first.Notes = "One!\nTwo.\nThree."
		second.Notes = "One.\nTwo.\nThree!"
		_, err = svc.Save(t.Context(), "bruno", l.ID(), 2, first)
		require.NoError(t, err)

		res, err := svc.Save(t.Context(), "bruno", l.ID(), 2, second)

		require.NoError(t, err)
		require.NotNil(t, res.Merge, "the other tab's lines were kept: the rep is told")
		assert.Equal(t, []string{lead.FieldNotes}, res.Merge.Combined)
		assert.Equal(t, "One!\nTwo.\nThree!", res.Record.Fields().Notes)
	})
	t.Run("the same save by someone else is still reported as a merge", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		f := mariaSaves(t, svc, l.ID(), func(f *lead.Fields) { f.Score = 88 })

		res, err := svc.Save(t.Context(), "bruno", l.ID(), 1, f)

		require.NoError(t, err)
		require.NotNil(t, res.Merge)
		assert.Equal(t, "maria", res.Merge.By)
		assert.Empty(t, res.Merge.Applied)
	})
	t.Run("the same move sent twice is made once", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		_, err := svc.Move(t.Context(), "bruno", l.ID(), 1, lead.StatusContacted)
		require.NoError(t, err)

		again, err := svc.Move(t.Context(), "bruno", l.ID(), 1, lead.StatusContacted)

		require.NoError(t, err)
		assert.Equal(t, lead.StatusContacted, again.Record.Status())
		assert.Equal(t, int64(2), again.Record.Version())
	})
	t.Run("a move someone else made to the same status is still a conflict", func(t *testing.T) {
		t.Parallel()
		svc, l := seeded(t)
		_, err := svc.Move(t.Context(), "maria", l.ID(), 1, lead.StatusContacted)
		require.NoError(t, err)

		_, err = svc.Move(t.Context(), "bruno", l.ID(), 1, lead.StatusContacted)

		var c *leadConflict
		require.ErrorAs(t, err, &c, "bruno never saw maria's move")
	})
}

// asRead is lead id as a caller that read it at version holds it, which is
// what the exact writes (Update, MoveAt) take: the record as it is now,
// stamped with version, so a stale read or one of a record purged since
// (an id never stored) can be written from.
func asRead(t *testing.T, svc *leads.Service, id, version int64) *lead.Lead {
	t.Helper()
	var r *lead.Lead
	if now, err := svc.Get(t.Context(), id); err == nil {
		r = lead.Rehydrate(now.Snapshot())
		r.Stamp(now.Meta())
	} else {
		r = lead.Rehydrate(lead.Snapshot{Fields: ada(), Status: lead.StatusNew})
	}
	m := r.Meta()
	m.ID, m.Version = id, version
	r.Stamp(m)
	return r
}

// TestService_SaveSaysWhatItRecordedOnlyWhenMadeOnTheRepsVersion: a page
// that shows the history as of the rep's version adds a save's events to
// it; after a merge it cannot, and gets none.
func TestService_SaveSaysWhatItRecordedOnlyWhenMadeOnTheRepsVersion(t *testing.T) {
	t.Parallel()
	svc, l := seeded(t)
	f := ada()
	f.Score = 85

	res, err := svc.Save(t.Context(), "john", l.ID(), 1, f)
	require.NoError(t, err)
	require.Len(t, res.Events, 1)
	assert.Equal(t, lead.EventUpdated, res.Events[0].Name)
	assert.Equal(t, "john", res.Events[0].Actor)

	res, err = svc.Save(t.Context(), "john", l.ID(), 2, f)
	require.NoError(t, err)
	assert.Empty(t, res.Events, "nothing to save, nothing recorded")

	f.Phone = "+44 1"
	res, err = svc.Save(t.Context(), "maria", l.ID(), 1, f)
	require.NoError(t, err)
	require.NotNil(t, res.Merge)
	assert.Empty(t, res.Events, "merged onto john's save: the page must read the history again")
}

// TestService_Duplicates: what a rep types is compared as leads are
// stored (trimmed, in NFC, in any case), and too little or too much
// finds nothing.
func TestService_Duplicates(t *testing.T) {
	t.Parallel()
	svc := leads.NewService(memory.New().Leads)
	zoe, err := svc.Create(t.Context(), "ana", lead.Fields{Name: "Zoé Durand", Email: "zoé@exemple.fr", Company: "Café Noir"})
	require.NoError(t, err)

	decomposed := "Zoe\u0301" // "Zoé" typed as "e" and a combining accent
	for _, tc := range []struct {
		name            string
		q               record.DuplicateQuery
		byEmail, byName []int64
	}{
		{"an address typed with spaces, capitals and a combining accent", record.DuplicateQuery{Email: "  " + decomposed + "@EXEMPLE.fr "}, []int64{zoe.ID()}, nil},
		{"a name and company typed so", record.DuplicateQuery{Name: decomposed + " durand ", Company: " CAFÉ NOIR"}, nil, []int64{zoe.ID()}},
		{"a name without a company", record.DuplicateQuery{Name: "Zoé Durand"}, nil, nil},
		{"nothing typed", record.DuplicateQuery{Email: "   "}, nil, nil},
		{"an address longer than any stored", record.DuplicateQuery{Email: strings.Repeat("z", 300) + "@exemple.fr"}, nil, nil},
	} {
		d, err := svc.Duplicates(t.Context(), tc.q)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.byEmail, ids(d.SameEmail), tc.name)
		assert.Equal(t, tc.byName, ids(d.SameName), tc.name)
	}
}

func ids(ls []*lead.Lead) []int64 {
	var out []int64
	for _, l := range ls {
		out = append(out, l.ID())
	}
	return out
}
