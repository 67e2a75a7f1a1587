package savedview_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/savedview"
	"crm/domain/user"
)

var (
	maria = user.User{ID: 2, Name: "maria", Role: user.RoleRep}
	john  = user.User{ID: 3, Name: "john", Role: user.RoleRep}
	ann   = user.User{ID: 1, Name: "Ann", Role: user.RoleAdmin}
)

func hotLeads() savedview.Fields {
	return savedview.Fields{Name: "My hot leads", Query: "score_min=80&sort=score", Shared: true}
}

// stored is a view of maria's as a repository returns it.
func stored(f savedview.Fields) *savedview.View {
	return savedview.Rehydrate(savedview.Snapshot{ID: 7, Version: 3, Fields: f, Owner: savedview.OwnerOf(maria), UpdatedBy: "maria"})
}

func TestNew(t *testing.T) {
	t.Parallel()
	t.Run("a new view belongs to the rep who saves it and has no id until stored", func(t *testing.T) {
		t.Parallel()
		v, err := savedview.New(hotLeads(), savedview.OwnerOf(maria))

		require.NoError(t, err)
		assert.Zero(t, v.ID())
		assert.Zero(t, v.Version())
		assert.Equal(t, savedview.Owner{ID: 2, Name: "maria"}, v.Owner())
		assert.Equal(t, "maria", v.UpdatedBy())
		assert.Equal(t, hotLeads(), v.Fields())
	})
	t.Run("a new view records ViewCreated with each field set, as reps read it", func(t *testing.T) {
		t.Parallel()
		v, err := savedview.New(hotLeads(), savedview.OwnerOf(maria))

		require.NoError(t, err)
		assert.Equal(t, []domain.Event{{Name: savedview.EventCreated, Actor: "maria", Changes: []domain.Change{
			{Field: savedview.FieldName, Old: "", New: "My hot leads"},
			{Field: savedview.FieldQuery, Old: "", New: "score_min=80&sort=score"},
			{Field: savedview.FieldShared, Old: "no", New: "yes"},
		}}}, v.DomainEvents())
	})
	t.Run("the list as it first opens is a view too", func(t *testing.T) {
		t.Parallel()
		v, err := savedview.New(savedview.Fields{Name: "Everything"}, savedview.OwnerOf(maria))

		require.NoError(t, err)
		assert.Equal(t, "", v.Fields().Query)
		assert.False(t, v.Fields().Shared)
	})
	t.Run("name and query are kept trimmed", func(t *testing.T) {
		t.Parallel()
		v, err := savedview.New(savedview.Fields{Name: "  Hot  ", Query: " sort=score\n"}, savedview.OwnerOf(maria))

		require.NoError(t, err)
		assert.Equal(t, savedview.Fields{Name: "Hot", Query: "sort=score"}, v.Fields())
	})
	t.Run("a view without an owner's user id is a programming error, not a rep's", func(t *testing.T) {
		t.Parallel()
		_, err := savedview.New(hotLeads(), savedview.Owner{Name: "maria"})

		require.Error(t, err)
		var invalid *domain.ValidationError
		assert.NotErrorAs(t, err, &invalid)
	})
}

func TestFields_Validate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		fields savedview.Fields
		field  string
		want   string
	}{
		{"a view needs a name", savedview.Fields{Query: "sort=score"}, savedview.FieldName, "Name is required."},
		{"a name of spaces and invisible characters is none", savedview.Fields{Name: "\u200b"}, savedview.FieldName, "Name must have a character you can see."},
		{"a name of 61 characters is too long", savedview.Fields{Name: strings.Repeat("é", 61)}, savedview.FieldName, "Name is 61 characters; the limit is 60."},
		{"a name is one line", savedview.Fields{Name: "Hot\nleads"}, savedview.FieldName, "Name must be a single line of text."},
		{"a query of 2,001 characters is too long", savedview.Fields{Name: "Hot", Query: "q=" + strings.Repeat("a", 1999)}, savedview.FieldQuery, "The view's address is 2001 characters; the limit is 2000."},
		{"a query is one line", savedview.Fields{Name: "Hot", Query: "q=a\tb"}, savedview.FieldQuery, "The view's address must be a single line of text."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.fields.Normalize().Validate()

			var v *domain.ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tc.want, v.For(tc.field))
		})
	}
	t.Run("every limit itself is allowed", func(t *testing.T) {
		t.Parallel()
		f := savedview.Fields{Name: strings.Repeat("é", 60), Query: "q=" + strings.Repeat("a", 1998)}
		assert.NoError(t, f.Validate())
	})
}

func TestParseShared(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{"yes": true, "no": false} {
		got, err := savedview.ParseShared(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, raw)
		assert.Equal(t, raw, savedview.SharedText(got), "read back as written")
	}
	for _, raw := range []string{"", "on", "true", "Yes"} {
		_, err := savedview.ParseShared(raw)
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v, raw)
		assert.Equal(t, "Choose whether the team sees the view: yes or no.", v.For(savedview.FieldShared))
	}
}

func TestRehydrate_roundTripsASnapshotWithoutEvents(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	s := savedview.Snapshot{ID: 7, Version: 4, Fields: hotLeads(), Owner: savedview.OwnerOf(maria),
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), UpdatedBy: "john"}

	v := savedview.Rehydrate(s)

	assert.Equal(t, s, v.Snapshot())
	assert.Empty(t, v.DomainEvents(), "loading is not a change")
}

func TestView_Edit(t *testing.T) {
	t.Parallel()
	t.Run("a rename records ViewUpdated with the name old → new, by whoever renamed it", func(t *testing.T) {
		t.Parallel()
		v := stored(hotLeads())
		f := v.Fields()
		f.Name = "Hottest leads"

		changed, err := v.Edit(f, "john")

		require.NoError(t, err)
		assert.Equal(t, []string{savedview.FieldName}, changed)
		assert.Equal(t, []domain.Event{{Name: savedview.EventUpdated, Actor: "john", Changes: []domain.Change{
			{Field: savedview.FieldName, Old: "My hot leads", New: "Hottest leads"}}}}, v.DomainEvents())
		assert.Equal(t, "john", v.UpdatedBy())
	})
	t.Run("the same fields again change nothing and record nothing", func(t *testing.T) {
		t.Parallel()
		v := stored(hotLeads())

		changed, err := v.Edit(savedview.Fields{Name: " My hot leads ", Query: "score_min=80&sort=score", Shared: true}, "john")

		require.NoError(t, err)
		assert.Empty(t, changed)
		assert.Empty(t, v.DomainEvents())
	})
	t.Run("an invalid edit changes nothing", func(t *testing.T) {
		t.Parallel()
		v := stored(hotLeads())

		_, err := v.Edit(savedview.Fields{Query: "sort=name"}, "john")

		require.Error(t, err)
		assert.Equal(t, hotLeads(), v.Fields())
		assert.Empty(t, v.DomainEvents())
	})
	t.Run("a deleted view takes no edit", func(t *testing.T) {
		t.Parallel()
		v := stored(hotLeads())
		require.NoError(t, v.Delete("maria"))
		v.ClearEvents()

		_, err := v.Edit(savedview.Fields{Name: "Other"}, "maria")

		var deleted *domain.DeletedError
		require.ErrorAs(t, err, &deleted)
	})
}

func TestView_VisibleTo(t *testing.T) {
	t.Parallel()
	personal := hotLeads()
	personal.Shared = false

	assert.True(t, stored(hotLeads()).VisibleTo(john), "a shared view is every rep's")
	assert.True(t, stored(personal).VisibleTo(maria), "a personal view is its owner's")
	assert.False(t, stored(personal).VisibleTo(john), "and nobody else's")
	assert.False(t, stored(personal).VisibleTo(ann), "an admin's neither")
}

func TestView_Permits(t *testing.T) {
	t.Parallel()
	edit := func(change func(*savedview.Fields)) func(*savedview.View, string) error {
		return func(v *savedview.View, by string) error {
			f := v.Fields()
			change(&f)
			_, err := v.Edit(f, by)
			return err
		}
	}
	rename := edit(func(f *savedview.Fields) { f.Name = "Renamed" })
	requery := edit(func(f *savedview.Fields) { f.Query = "status=NEW" })
	unshare := edit(func(f *savedview.Fields) { f.Shared = false })
	remove := func(v *savedview.View, by string) error { return v.Delete(by) }
	restore := func(v *savedview.View, by string) error {
		if err := v.Delete("maria"); err != nil {
			return err
		}
		v.ClearEvents()
		return v.Undelete(by)
	}
	for _, tc := range []struct {
		name   string
		rep    user.User
		change func(*savedview.View, string) error
		denied string // the refusal's message, "" when allowed
	}{
		{"another rep may rename a shared view", john, rename, ""},
		{"another rep may update a shared view's filters", john, requery, ""},
		{"another rep may not stop sharing it", john, unshare, "Only maria, who saved this view, or an admin may change who sees it."},
		{"another rep may not delete it", john, remove, "Only maria, who saved this view, or an admin may delete it."},
		{"another rep may not restore it", john, restore, "Only maria, who saved this view, or an admin may restore it."},
		{"its owner may stop sharing it", maria, unshare, ""},
		{"its owner may delete it", maria, remove, ""},
		{"its owner may restore it", maria, restore, ""},
		{"an admin may stop sharing it", ann, unshare, ""},
		{"an admin may delete it", ann, remove, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := stored(hotLeads())
			require.NoError(t, tc.change(v, tc.rep.Name))

			err := v.Permits(tc.rep)

			if tc.denied == "" {
				assert.NoError(t, err)
				return
			}
			var forbidden *domain.ForbiddenError
			require.ErrorAs(t, err, &forbidden)
			assert.Equal(t, tc.denied, forbidden.Message)
		})
	}
	t.Run("a view loaded and not changed permits anyone", func(t *testing.T) {
		t.Parallel()
		assert.NoError(t, stored(hotLeads()).Permits(john))
	})
}
