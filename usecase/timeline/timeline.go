// Package timeline merges what happened to a record, from every source that
// knows some of it (its field history, its entries, and whatever joins them,
// such as tasks done), into one list, newest first, paged.
//
// Each source pages itself by its own key (the history by event id, entries
// by when they happened), so the timeline's cursor holds one position per
// source: a page takes the newest items of all sources together, and each
// source goes on from the last item of its own that the page showed. No
// item is shown twice or skipped, whichever source added it, and each
// source reads only from its own index.
package timeline

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"crm/domain"
	"crm/domain/entry"
	"crm/domain/task"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

// Item is one thing in a record's timeline: exactly one of its parts is
// set. A new source adds its own part (a task done adds the task).
type Item struct {
	At    time.Time
	Event *domain.RecordedEvent // a saved change of the record's fields
	Entry *entry.Entry          // a note, or a logged call, email or meeting
	Done  *tasks.Completion     // a task about the record ticked done
}

// Sourced is an item with the position its source goes on from after it.
type Sourced struct {
	Item
	Cursor string
}

// Source yields one kind of a record's items, newest first.
type Source interface {
	// Name is the source's key in the timeline's cursor: letters only.
	Name() string
	// Before returns at most limit of rec's items, newest first, strictly
	// after position cursor ("" for the newest), each with its position.
	Before(ctx context.Context, rec entry.Ref, cursor string, limit int) ([]Sourced, error)
}

// Cursor is a position in each source; a source it does not name starts
// from its newest item.
type Cursor map[string]string

// String encodes c for an address; Parse reads it back.
func (c Cursor) String() string {
	v := url.Values{}
	for name, pos := range c {
		v.Set(name, pos)
	}
	return v.Encode()
}

// ErrBadCursor is Parse's answer to a cursor no timeline wrote.
var ErrBadCursor = errors.New("the timeline's cursor is not valid")

// Parse reads a cursor String wrote.
func Parse(s string) (Cursor, error) {
	v, err := url.ParseQuery(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	c := Cursor{}
	for name, pos := range v {
		if len(pos) != 1 {
			return nil, ErrBadCursor
		}
		c[name] = pos[0]
	}
	return c, nil
}

// Page is one page of a timeline: Next is the cursor of the next, nil
// when this is the last.
type Page struct {
	Items []Item
	Next  Cursor
}

// Timeline reads a record's timeline from its sources.
type Timeline struct{ sources []Source }

// New returns the timeline of sources; when two items happened at the same
// moment, the earlier source's comes first.
func New(sources ...Source) Timeline { return Timeline{sources: sources} }

// Read returns the page of rec's timeline starting at after, at most limit
// items (record.Paging's bounds apply).
func (t Timeline) Read(ctx context.Context, rec entry.Ref, after Cursor, limit int) (Page, error) {
	limit = record.Paging{Limit: limit}.Size()
	for name := range after {
		if !slices.ContainsFunc(t.sources, func(s Source) bool { return s.Name() == name }) {
			return Page{}, ErrBadCursor
		}
	}
	got := make([][]Sourced, len(t.sources))
	for i, s := range t.sources {
		items, err := s.Before(ctx, rec, after[s.Name()], limit+1)
		if err != nil {
			return Page{}, fmt.Errorf("timeline of %s %d: %s: %w", rec.Kind, rec.ID, s.Name(), err)
		}
		got[i] = items
	}
	page := Page{Items: make([]Item, 0, limit)}
	next := Cursor{}
	for name, pos := range after {
		next[name] = pos
	}
	// Merge by the heads alone: each source keeps its own order (by its
	// position, which need not follow the times exactly: an event's time
	// is its transaction's start), so the last item a page shows of a
	// source is where that source goes on, and nothing is skipped or shown
	// twice. At one moment the earlier source comes first.
	more := false
	for {
		pick := -1
		for i := range got {
			if len(got[i]) > 0 && (pick < 0 || got[i][0].At.After(got[pick][0].At)) {
				pick = i
			}
		}
		if pick < 0 {
			break
		}
		if len(page.Items) == limit {
			more = true
			break
		}
		it := got[pick][0]
		got[pick] = got[pick][1:]
		page.Items = append(page.Items, it.Item)
		next[t.sources[pick].Name()] = it.Cursor
	}
	if more {
		page.Next = next
	}
	return page, nil
}

// HistoryReader reads a record's history, as every record service does.
type HistoryReader interface {
	History(ctx context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error)
}

// History is the source of a record's field history, paged by event id.
type History struct{ Reader HistoryReader }

// Name is "h".
func (History) Name() string { return "h" }

// Before returns the record's events older than event cursor.
func (h History) Before(ctx context.Context, rec entry.Ref, cursor string, limit int) ([]Sourced, error) {
	after, err := position(cursor)
	if err != nil {
		return nil, err
	}
	page, err := h.Reader.History(ctx, rec.ID, record.Paging{After: after, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]Sourced, len(page.Items))
	for i := range page.Items {
		e := page.Items[i]
		out[i] = Sourced{Item: Item{At: e.At, Event: &e}, Cursor: strconv.FormatInt(e.ID, 10)}
	}
	return out, nil
}

// EntryReader reads a record's entries, as entries.Rep does.
type EntryReader interface {
	OfRecord(ctx context.Context, rec entry.Ref, after int64, limit int) ([]*entry.Entry, error)
}

// Entries is the source of a record's entries, paged by when they
// happened, then id.
type Entries struct{ Reader EntryReader }

// Name is "e".
func (Entries) Name() string { return "e" }

// Before returns the record's entries after the one whose id is cursor.
func (s Entries) Before(ctx context.Context, rec entry.Ref, cursor string, limit int) ([]Sourced, error) {
	after, err := position(cursor)
	if err != nil {
		return nil, err
	}
	es, err := s.Reader.OfRecord(ctx, rec, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Sourced, len(es))
	for i, e := range es {
		out[i] = Sourced{Item: Item{At: e.OccurredAt(), Entry: e}, Cursor: strconv.FormatInt(e.ID(), 10)}
	}
	return out, nil
}

// CompletionReader reads the completions of a record's tasks, as
// tasks.Service does.
type CompletionReader interface {
	Completions(ctx context.Context, l task.Link, p record.Paging) (record.Page[tasks.Completion], error)
}

// TasksDone is the source of the record's tasks ticked done, paged by the
// id of the event that ticked each.
type TasksDone struct{ Reader CompletionReader }

// Name is "t".
func (TasksDone) Name() string { return "t" }

// Before returns the record's tasks ticked done before event cursor.
func (s TasksDone) Before(ctx context.Context, rec entry.Ref, cursor string, limit int) ([]Sourced, error) {
	after, err := position(cursor)
	if err != nil {
		return nil, err
	}
	page, err := s.Reader.Completions(ctx, task.Link{Kind: rec.Kind, ID: rec.ID}, record.Paging{After: after, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]Sourced, len(page.Items))
	for i := range page.Items {
		c := page.Items[i]
		out[i] = Sourced{Item: Item{At: c.Event.At, Done: &c}, Cursor: strconv.FormatInt(c.Event.ID, 10)}
	}
	return out, nil
}

// position reads a source's position, an id; "" is 0, the newest.
func position(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || n < 1 {
		return 0, ErrBadCursor
	}
	return n, nil
}
