package contract_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/entry"
	"crm/usecase/record"
)

func TestEntryRepositories(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	lead1, lead2 := entry.Ref{Kind: "lead", ID: 1}, entry.Ref{Kind: "lead", ID: 2}
	contact1 := entry.Ref{Kind: "contact", ID: 1}
	ids := func(es []*entry.Entry) []int64 {
		out := make([]int64, len(es))
		for i, e := range es {
			out[i] = e.ID()
		}
		return out
	}

	t.Run("a record's entries come newest first by when they happened, paged from a cursor", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			ana := b.rep(t, "ana")
			add := func(rec entry.Ref, at time.Time, f entry.Fields) *entry.Entry {
				e := must(entry.New(f, rec, entry.AuthorOf(ana), at))(t)
				return must(b.entries.Create(t.Context(), e))(t)
			}
			note := entry.Fields{Type: entry.TypeNote, Body: "Prefers email."}
			old := add(lead1, base, note)
			newest := add(lead1, base.Add(2*time.Hour), note)
			tieA := add(lead1, base.Add(time.Hour), note)
			tieB := add(lead1, base.Add(time.Hour), entry.Fields{Type: entry.TypeMeeting, Outcome: entry.OutcomeHeld, Duration: 45})
			add(lead2, base.Add(3*time.Hour), note)
			add(contact1, base.Add(3*time.Hour), note) // same id, another kind
			gone := add(lead1, base.Add(4*time.Hour), note)
			must(b.entries.Update(t.Context(), gone.ID(), 1, remove[*entry.Entry]("ana")))(t)
			hidden := add(lead1, base.Add(-time.Hour), note)
			hidden = must(b.entries.Update(t.Context(), hidden.ID(), 1, func(e *entry.Entry) (bool, error) { return e.Hide(true, "Ann") }))(t)
			assert.True(t, hidden.Hidden())

			all, err := b.entries.OfRecord(t.Context(), lead1, 0, 10)
			require.NoError(t, err)
			assert.Equal(t, []int64{newest.ID(), tieB.ID(), tieA.ID(), old.ID(), hidden.ID()}, ids(all),
				"live ones only, hidden included, ties by id")
			assert.Equal(t, tieB.Fields(), all[1].Fields())
			assert.Equal(t, base.Add(time.Hour), all[1].OccurredAt())
			assert.Equal(t, entry.AuthorOf(ana), all[1].Author())

			first, err := b.entries.OfRecord(t.Context(), lead1, 0, 2)
			require.NoError(t, err)
			assert.Equal(t, []int64{newest.ID(), tieB.ID()}, ids(first))
			rest, err := b.entries.OfRecord(t.Context(), lead1, first[1].ID(), 10)
			require.NoError(t, err)
			assert.Equal(t, []int64{tieA.ID(), old.ID(), hidden.ID()}, ids(rest), "the cursor goes on within a tie")
		})
	})

	t.Run("hiding and unhiding are versions of the entry, recorded in its history", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, b backend) {
			e := must(b.entries.Create(t.Context(), entryKind.fresh(t, b)))(t)
			hide := func(h bool) func(*entry.Entry) (bool, error) {
				return func(e *entry.Entry) (bool, error) { return e.Hide(h, "Ann") }
			}
			must(b.entries.Update(t.Context(), e.ID(), 1, hide(true)))(t)
			got := must(b.entries.Update(t.Context(), e.ID(), 2, hide(false)))(t)
			assert.False(t, got.Hidden())
			assert.Equal(t, int64(3), got.Version())
			was := must(b.entries.Version(t.Context(), e.ID(), 2))(t)
			assert.True(t, was.Hidden())
			page := must(b.entries.History(t.Context(), e.ID(), record.Paging{}))(t)
			require.Len(t, page.Items, 3)
			assert.Equal(t, entry.EventUnhidden, page.Items[0].Name)
			assert.Equal(t, entry.EventHidden, page.Items[1].Name)
			assert.Equal(t, map[string]int64{"lead": 1}, page.Items[2].Refs, "its creation names the record")
		})
	})
}
