package savedviews_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/savedview"
	"crm/domain/user"
	"crm/infrastructure/memory"
	"crm/usecase/conflict"
	"crm/usecase/record"
	"crm/usecase/savedviews"
)

// viewConflict is the conflict error of a view write.
type viewConflict = conflict.Error[*savedview.View, savedview.Fields]

var (
	ann   = user.User{ID: 1, Name: "Ann", Role: user.RoleAdmin}
	maria = user.User{ID: 2, Name: "maria", Role: user.RoleRep}
	john  = user.User{ID: 3, Name: "john", Role: user.RoleRep}
)

// check stands in for the lead list's reading of a query: parameters in
// one order, and "status" must be NEW or LOST.
func check(raw string) (string, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return "", errors.New("The view's address cannot be read.")
	}
	if s := v.Get("status"); s != "" && s != "NEW" && s != "LOST" {
		return "", errors.New(`"` + s + `" is not a status.`)
	}
	return v.Encode(), nil
}

func hot(shared bool) savedview.Fields {
	return savedview.Fields{Name: "Hot leads", Query: "status=NEW&score_min=80", Shared: shared}
}

// seeded returns the service on an empty store and a view maria saved.
func seeded(t *testing.T, shared bool) (*savedviews.Service, *savedview.View) {
	t.Helper()
	svc := savedviews.NewService(memory.New().SavedViews, check)
	v, err := svc.For(maria).Create(t.Context(), hot(shared))
	require.NoError(t, err)
	return svc, v
}

func TestRep_Create(t *testing.T) {
	t.Parallel()
	t.Run("stores the view as the rep's own, its query as the list writes it", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, false)

		got, err := svc.For(maria).Get(t.Context(), v.ID())

		require.NoError(t, err)
		assert.Equal(t, savedview.Fields{Name: "Hot leads", Query: "score_min=80&status=NEW"}, got.Fields())
		assert.Equal(t, savedview.Owner{ID: 2, Name: "maria"}, got.Owner())
		assert.Equal(t, int64(1), got.Version())
	})
	t.Run("a query the list cannot read is refused with the list's words, beside the other fields' messages", func(t *testing.T) {
		t.Parallel()
		svc := savedviews.NewService(memory.New().SavedViews, check)

		_, err := svc.For(maria).Create(t.Context(), savedview.Fields{Query: "status=WON"})

		var invalid *domain.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, `"WON" is not a status.`, invalid.For(savedview.FieldQuery))
		assert.Equal(t, "Name is required.", invalid.For(savedview.FieldName))
		assert.Empty(t, must(svc.For(maria).List(t.Context()))(t), "nothing stored")
	})
}

func must[V any](v V, err error) func(*testing.T) V {
	return func(t *testing.T) V {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

func TestRep_List_isTheRepsOwnViewsAndTheSharedOnes(t *testing.T) {
	t.Parallel()
	svc := savedviews.NewService(memory.New().SavedViews, check)
	mine := must(svc.For(maria).Create(t.Context(), savedview.Fields{Name: "Mine"}))(t)
	team := must(svc.For(john).Create(t.Context(), savedview.Fields{Name: "Team", Shared: true}))(t)
	must(svc.For(john).Create(t.Context(), savedview.Fields{Name: "John's"}))(t)

	got := must(svc.For(maria).List(t.Context()))(t)

	require.Len(t, got, 2)
	assert.Equal(t, []int64{mine.ID(), team.ID()}, []int64{got[0].ID(), got[1].ID()})
}

func TestRep_somebodyElsesPersonalViewIsNotThere(t *testing.T) {
	t.Parallel()
	svc, v := seeded(t, false)
	j := svc.For(john)
	notFound := func(t *testing.T, err error) {
		t.Helper()
		var missing *domain.NotFoundError
		require.ErrorAs(t, err, &missing)
		assert.Equal(t, savedview.Kind, missing.Kind)
	}

	_, err := j.Get(t.Context(), v.ID())
	notFound(t, err)
	_, err = j.History(t.Context(), v.ID(), record.Paging{})
	notFound(t, err)
	f := v.Fields()
	f.Name = "Mine now"
	_, err = j.Save(t.Context(), "john", v.ID(), 1, f)
	notFound(t, err)
	_, err = j.Update(t.Context(), "john", v, f)
	notFound(t, err)
	_, err = j.Delete(t.Context(), "john", v.ID(), 1)
	notFound(t, err)
	_, err = svc.For(ann).Get(t.Context(), v.ID())
	notFound(t, err)

	assert.Equal(t, int64(1), must(svc.For(maria).Get(t.Context(), v.ID()))(t).Version(), "nothing written")
}

func TestRep_Save_onASharedView(t *testing.T) {
	t.Parallel()
	t.Run("another rep may rename it", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		f := v.Fields()
		f.Name = "Hottest leads"

		res, err := svc.For(john).Save(t.Context(), "john", v.ID(), 1, f)

		require.NoError(t, err)
		assert.Equal(t, "Hottest leads", res.Record.Fields().Name)
		assert.Equal(t, "john", res.Record.UpdatedBy())
		assert.Equal(t, savedview.Owner{ID: 2, Name: "maria"}, res.Record.Owner(), "it stays maria's")
	})
	t.Run("two reps renaming it from one version: the second gets the conflict with both names", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		mariaF, johnF := v.Fields(), v.Fields()
		mariaF.Name, johnF.Name = "Hot NEW leads", "Trade show follow-ups"
		_, err := svc.For(maria).Save(t.Context(), "maria", v.ID(), 1, mariaF)
		require.NoError(t, err)

		_, err = svc.For(john).Save(t.Context(), "john", v.ID(), 1, johnF)

		var cf *viewConflict
		require.ErrorAs(t, err, &cf)
		assert.Equal(t, "Hot NEW leads", cf.Current.Fields().Name)
		assert.Equal(t, "Trade show follow-ups", cf.Yours.Name)
		assert.Equal(t, []string{savedview.FieldName}, cf.Compare.Conflicts)
		assert.Equal(t, int64(2), must(svc.For(john).Get(t.Context(), v.ID()))(t).Version(), "nothing written")
	})
	t.Run("a rename and a change of filters from one version merge", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		renamed, refiltered := v.Fields(), v.Fields()
		renamed.Name, refiltered.Query = "Hottest leads", "status=LOST"
		_, err := svc.For(maria).Save(t.Context(), "maria", v.ID(), 1, renamed)
		require.NoError(t, err)

		res, err := svc.For(john).Save(t.Context(), "john", v.ID(), 1, refiltered)

		require.NoError(t, err)
		require.NotNil(t, res.Merge)
		assert.Equal(t, []string{savedview.FieldQuery}, res.Merge.Applied)
		assert.Equal(t, savedview.Fields{Name: "Hottest leads", Query: "status=LOST", Shared: true}, res.Record.Fields())
		assert.Equal(t, int64(3), res.Record.Version())
	})
	t.Run("one query written two ways is no change, so no conflict", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		renamed, same := v.Fields(), v.Fields()
		renamed.Name, same.Query = "Hottest leads", "status=NEW&score_min=80" // as typed, not as stored
		_, err := svc.For(maria).Save(t.Context(), "maria", v.ID(), 1, renamed)
		require.NoError(t, err)
		same.Name = "Hot leads"

		res, err := svc.For(john).Save(t.Context(), "john", v.ID(), 1, same)

		require.NoError(t, err)
		assert.Equal(t, int64(2), res.Record.Version(), "nothing of john's to write")
	})
}

func TestRep_onlyTheOwnerOrAnAdminManagesASharedView(t *testing.T) {
	t.Parallel()
	forbidden := func(t *testing.T, err error) {
		t.Helper()
		var denied *domain.ForbiddenError
		require.ErrorAs(t, err, &denied)
		assert.Contains(t, denied.Message, "Only maria, who saved this view, or an admin may")
	}
	t.Run("another rep may not stop sharing it, nor delete it", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		j := svc.For(john)
		personal := v.Fields()
		personal.Shared = false

		_, err := j.Save(t.Context(), "john", v.ID(), 1, personal)
		forbidden(t, err)
		_, err = j.Update(t.Context(), "john", v, personal)
		forbidden(t, err)
		_, err = j.Delete(t.Context(), "john", v.ID(), 1)
		forbidden(t, err)

		got := must(j.Get(t.Context(), v.ID()))(t)
		assert.Equal(t, int64(1), got.Version(), "nothing written")
		assert.True(t, got.Fields().Shared)
	})
	t.Run("nor restore it when its owner deleted it", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		must(svc.For(maria).Delete(t.Context(), "maria", v.ID(), 1))(t)

		_, err := svc.For(john).Restore(t.Context(), "john", v.ID(), 2)
		forbidden(t, err)
		_, err = svc.For(john).RestoreAndSave(t.Context(), "john", v.ID(), 1, hot(true))
		forbidden(t, err)
	})
	t.Run("its owner may", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		personal := v.Fields()
		personal.Shared = false

		res, err := svc.For(maria).Save(t.Context(), "maria", v.ID(), 1, personal)
		require.NoError(t, err)
		assert.False(t, res.Record.Fields().Shared)
		_, err = svc.For(maria).Delete(t.Context(), "maria", v.ID(), 2)
		require.NoError(t, err)
		_, err = svc.For(maria).Restore(t.Context(), "maria", v.ID(), 3)
		require.NoError(t, err)
	})
	t.Run("an admin may, for the views of a rep who left", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)

		_, err := svc.For(ann).Delete(t.Context(), "Ann", v.ID(), 1)

		require.NoError(t, err)
	})
	t.Run("a rep's save that meets its owner's stop of sharing finds it gone", func(t *testing.T) {
		t.Parallel()
		svc, v := seeded(t, true)
		personal, renamed := v.Fields(), v.Fields()
		personal.Shared, renamed.Name = false, "Mine now"
		_, err := svc.For(maria).Save(t.Context(), "maria", v.ID(), 1, personal)
		require.NoError(t, err)

		_, err = svc.For(john).Save(t.Context(), "john", v.ID(), 1, renamed)

		assert.ErrorIs(t, err, domain.ErrNotFound)
		assert.Equal(t, "Hot leads", must(svc.For(maria).Get(t.Context(), v.ID()))(t).Fields().Name)
	})
}
