package timeline_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/entry"
	"crm/usecase/timeline"
)

// fake is a source of items at the given times, newest first, each
// positioned by its index.
type fake struct {
	name string
	at   []time.Time // newest first
}

func (f fake) Name() string { return f.name }

func (f fake) Before(_ context.Context, _ entry.Ref, cursor string, limit int) ([]timeline.Sourced, error) {
	from := 0
	if cursor != "" {
		i, err := strconv.Atoi(cursor)
		if err != nil {
			return nil, timeline.ErrBadCursor
		}
		from = i + 1
	}
	var out []timeline.Sourced
	for i := from; i < len(f.at) && len(out) < limit; i++ {
		ev := domain.RecordedEvent{ID: int64(i), Event: domain.Event{Name: f.name}}
		out = append(out, timeline.Sourced{Item: timeline.Item{At: f.at[i], Event: &ev}, Cursor: strconv.Itoa(i)})
	}
	return out, nil
}

var (
	rec = entry.Ref{Kind: "lead", ID: 1}
	t0  = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
)

func at(minutes ...int) []time.Time {
	out := make([]time.Time, len(minutes))
	for i, m := range minutes {
		out[i] = t0.Add(time.Duration(m) * time.Minute)
	}
	return out
}

// label is an item as "source:index".
func label(it timeline.Item) string {
	return it.Event.Name + ":" + strconv.FormatInt(it.Event.ID, 10)
}

func TestReadMergesSourcesNewestFirstAndPagesEachFromItsOwnPosition(t *testing.T) {
	t.Parallel()
	tl := timeline.New(fake{"e", at(50, 30, 30, 5)}, fake{"h", at(40, 30, 20, 10)})

	p1, err := tl.Read(t.Context(), rec, nil, 3)
	require.NoError(t, err)
	var got []string
	for _, it := range p1.Items {
		got = append(got, label(it))
	}
	assert.Equal(t, []string{"e:0", "h:0", "e:1"}, got)
	require.NotNil(t, p1.Next)
	assert.Equal(t, timeline.Cursor{"e": "1", "h": "0"}, p1.Next)

	after, err := timeline.Parse(p1.Next.String())
	require.NoError(t, err)
	p2, err := tl.Read(t.Context(), rec, after, 3)
	require.NoError(t, err)
	got = nil
	for _, it := range p2.Items {
		got = append(got, label(it))
	}
	assert.Equal(t, []string{"e:2", "h:1", "h:2"}, got, "ties keep the earlier source first")

	p3, err := tl.Read(t.Context(), rec, p2.Next, 3)
	require.NoError(t, err)
	assert.Len(t, p3.Items, 2)
	assert.Nil(t, p3.Next, "the last page")
}

func TestReadShowsEveryItemOnceInOrderWhateverThePageSize(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		var sources []timeline.Source
		total := 0
		for _, name := range []string{"a", "b", "c"} {
			n := r.IntN(30)
			ms := make([]int, n)
			for i := range ms {
				ms[i] = r.IntN(40) // many ties
			}
			slices.Sort(ms)
			slices.Reverse(ms)
			sources = append(sources, fake{name, at(ms...)})
			total += n
		}
		tl, size := timeline.New(sources...), 1+r.IntN(12)
		seen := map[string]bool{}
		var last time.Time
		var cursor timeline.Cursor
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100, "trial %d: the pages end", trial)
			p, err := tl.Read(t.Context(), rec, cursor, size)
			require.NoError(t, err)
			for _, it := range p.Items {
				require.False(t, seen[label(it)], "trial %d: %s twice", trial, label(it))
				seen[label(it)] = true
				if !last.IsZero() {
					require.False(t, it.At.After(last), "trial %d: newest first", trial)
				}
				last = it.At
			}
			if p.Next == nil {
				break
			}
			cursor = p.Next
		}
		require.Len(t, seen, total, "trial %d: every item", trial)
	}
}

func TestACursorNoTimelineWroteIsRefused(t *testing.T) {
	t.Parallel()
	tl := timeline.New(fake{"e", at(1)}, timeline.History{})
	for _, raw := range []string{"x=1", "e=1&e=2", "%zz"} {
		c, err := timeline.Parse(raw)
		if err == nil {
			_, err = tl.Read(t.Context(), rec, c, 10)
		}
		assert.ErrorIs(t, err, timeline.ErrBadCursor, raw)
	}
	_, err := tl.Read(t.Context(), rec, timeline.Cursor{"h": "-3"}, 10)
	assert.ErrorIs(t, err, timeline.ErrBadCursor)
}

// An event's time is its transaction's start, so a source's positions need
// not follow its times: the merge keeps each source's own order, and pages
// show every item once.
func TestReadKeepsASourcesOwnOrderWhenItsTimesDoNotFollowIt(t *testing.T) {
	t.Parallel()
	tl := timeline.New(fake{"e", at(35, 5)}, fake{"h", at(30, 40, 20, 10)})
	for size := 1; size <= 6; size++ {
		var got []string
		var after timeline.Cursor
		for range 10 {
			p, err := tl.Read(t.Context(), rec, after, size)
			require.NoError(t, err)
			for _, it := range p.Items {
				got = append(got, label(it))
			}
			if p.Next == nil {
				break
			}
			after = p.Next
		}
		assert.Equal(t, []string{"e:0", "h:0", "h:1", "h:2", "h:3", "e:1"}, got, "pages of %d", size)
	}
}
