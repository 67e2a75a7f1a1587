package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/record"
)

// runFeed starts a feed over pool and waits until it listens.
func runFeed(t *testing.T, pool *pgxpool.Pool, max int) *postgres.Feed {
	t.Helper()
	return runFeedWith(t, pool, max, func(*postgres.Feed) {})
}

// runFeedWith is runFeed with the feed set up by setUp before it runs.
func runFeedWith(t *testing.T, pool *pgxpool.Pool, max int, setUp func(*postgres.Feed)) *postgres.Feed {
	t.Helper()
	feed := postgres.NewFeed(pool, max, slog.New(slog.NewTextHandler(io.Discard, nil)))
	setUp(feed)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { feed.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-feed.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("feed did not start listening")
	}
	return feed
}

func receive(t *testing.T, ch <-chan domain.Saved) domain.Saved {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no notice within 10 s")
		return domain.Saved{}
	}
}

func TestFeed_ACommittedSaveReachesWatchersOnEveryInstance(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// A second pool stands for a second app instance on the same database.
	other, err := pgxpool.New(t.Context(), db.URL)
	require.NoError(t, err)
	t.Cleanup(other.Close)
	repo := postgres.NewLeadRepository(db.Pool)
	l := create(t, repo, ada()) // before anyone listens, so its notice goes nowhere
	here, there := runFeed(t, db.Pool, 10), runFeed(t, other, 10)

	mine, stopMine := subscribe(t, here, l.ID())
	defer stopMine()
	theirs, stopTheirs := subscribe(t, there, l.ID())
	defer stopTheirs()
	unrelated, stopUnrelated := subscribe(t, there, l.ID()+1)
	defer stopUnrelated()

	_, err = repo.Update(t.Context(), l.ID(), 1, func(l *lead.Lead) (bool, error) {
		f := l.Fields()
		f.Score, f.Phone = 91, "+1 555 0100"
		changed, err := l.Edit(f, "maria")
		return len(changed) > 0, err
	})
	require.NoError(t, err)

	want := domain.Saved{Kind: "lead", ID: l.ID(), Version: 2, Actor: "maria", Event: lead.EventUpdated,
		Fields: []string{lead.FieldPhone, lead.FieldScore}}
	got := receive(t, mine)
	assert.WithinDuration(t, time.Now(), got.At, time.Minute, "the notice says when it was sent")
	got.At = time.Time{}
	assert.Equal(t, want, got)
	got = receive(t, theirs)
	got.At = time.Time{}
	assert.Equal(t, want, got, "the other instance hears it too")
	select {
	case s := <-unrelated:
		t.Fatalf("a watcher of another lead got %+v", s)
	case <-time.After(200 * time.Millisecond):
	}
}

func subscribe(t *testing.T, f *postgres.Feed, id int64) (<-chan domain.Saved, func()) {
	t.Helper()
	ch, stop, err := f.Subscribe("lead", id)
	require.NoError(t, err)
	return ch, stop
}

func TestFeed_ARolledBackSaveIsNeverAnnounced(t *testing.T) {
	t.Parallel()
	fx := newConversionFixture(t)
	l := fx.qualifiedLead(t, 85)
	feed := runFeed(t, fx.pool, 10) // listening starts after the lead's own saves
	ch, stop := subscribe(t, feed, l.ID())
	defer stop()

	free := fx.diskFull(t)
	_, err := fx.service.Convert(t.Context(), "bob", fx.request(l))
	requireDiskFull(t, err)
	select {
	case s := <-ch:
		t.Fatalf("a rolled back conversion was announced: %+v", s)
	case <-time.After(300 * time.Millisecond):
	}

	free()
	_, err = fx.service.Convert(t.Context(), "bob", fx.request(l))
	require.NoError(t, err)
	got := receive(t, ch)
	assert.Equal(t, lead.EventConverted, got.Event)
	assert.Equal(t, int64(4), got.Version)
}

func TestFeed_WatchersAreBoundedAndReleased(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	feed := postgres.NewFeed(db.Pool, 2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { feed.Run(ctx); close(done) }()
	<-feed.Ready()

	a, stopA, err := feed.Subscribe("lead", 1)
	require.NoError(t, err)
	_, stopB, err := feed.Subscribe("lead", 1)
	require.NoError(t, err)
	_, _, err = feed.Subscribe("lead", 2)
	assert.ErrorIs(t, err, postgres.ErrFeedFull)
	assert.Equal(t, 2, feed.Watchers())

	stopB()
	stopB() // stopping twice is harmless
	assert.Equal(t, 1, feed.Watchers())
	c, stopC, err := feed.Subscribe("lead", 2)
	require.NoError(t, err, "a released slot is free again")

	cancel()
	<-done
	_, open := <-a
	assert.False(t, open, "stopping the feed ends every stream")
	_, open = <-c
	assert.False(t, open)
	stopA()
	stopC()
	assert.Zero(t, feed.Watchers())
	_, _, err = feed.Subscribe("lead", 1)
	assert.True(t, errors.Is(err, postgres.ErrFeedStopped))
}

// TestFeed_AnInstanceWithNoticesOffAnnouncesNothingAndStillSaves: with
// LIVE_NOTICES=off an instance's saves send no NOTIFY (nobody listens
// behind a pooler that cannot LISTEN), and are saved and recorded as ever.
func TestFeed_AnInstanceWithNoticesOffAnnouncesNothingAndStillSaves(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	quiet, err := postgres.Connect(t.Context(), db.URL, postgres.Timeouts{}, postgres.LiveNotices(false))
	require.NoError(t, err)
	t.Cleanup(quiet.Close)
	l := create(t, postgres.NewLeadRepository(db.Pool), ada())
	watching, stop := subscribe(t, runFeed(t, db.Pool, 10), l.ID())
	defer stop()

	saved, err := postgres.NewLeadRepository(quiet).Update(t.Context(), l.ID(), 1, setScore(80, "maria"))
	require.NoError(t, err)
	assert.Equal(t, int64(2), saved.Version())
	page, err := postgres.NewLeadRepository(quiet).History(t.Context(), l.ID(), record.Paging{})
	require.NoError(t, err)
	h := page.Items
	assert.Len(t, h, 2, "the save's event is recorded")
	select {
	case s := <-watching:
		t.Fatalf("a save with notices off was announced: %+v", s)
	case <-time.After(300 * time.Millisecond):
	}

	_, err = postgres.NewLeadRepository(db.Pool).Update(t.Context(), l.ID(), 2, setScore(81, "ana"))
	require.NoError(t, err)
	assert.Equal(t, int64(3), receive(t, watching).Version, "an instance with notices on still announces its saves")
}

func TestFeed_ARepHearsOfWhatIsGivenThemAndOfWhatIsSentToThem(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var maria int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO users (email, name, password_hash) VALUES ('maria@example.com', 'maria', 'x') RETURNING id`).Scan(&maria))
	repo := postgres.NewLeadRepository(db.Pool)
	l := create(t, repo, ada())
	feed := runFeedWith(t, db.Pool, 2, func(f *postgres.Feed) {
		f.RepNoticeOf = func(s domain.Saved) domain.RepNotice {
			return domain.RepNotice{To: s.To, From: s.Actor, Message: s.Actor + " gave you " + s.Title, Href: "/leads/1"}
		}
	})
	notices, stop, err := feed.SubscribeRep(maria)
	require.NoError(t, err)
	defer stop()
	_, _, err = feed.SubscribeRep(maria + 1)
	require.NoError(t, err)
	_, _, err = feed.SubscribeRep(maria)
	assert.ErrorIs(t, err, postgres.ErrFeedFull, "reps' watchers count within the feed's limit")

	_, err = repo.Update(t.Context(), l.ID(), 1, func(l *lead.Lead) (bool, error) {
		f := l.Fields()
		f.Owner = maria
		changed, err := l.Edit(f, "john")
		return len(changed) > 0, err
	})
	require.NoError(t, err)
	assert.Equal(t, domain.RepNotice{To: maria, From: "john", Message: "john gave you Ada Lovelace", Href: "/leads/1"}, receiveRep(t, notices))

	// Whatever else has news for a rep sends it on the channel.
	_, err = db.Pool.Exec(t.Context(), `SELECT pg_notify($1, $2)`, postgres.RepChannel,
		fmt.Sprintf(`{"to": %d, "message": "Call Ada back", "href": "/leads/1"}`, maria))
	require.NoError(t, err)
	assert.Equal(t, domain.RepNotice{To: maria, Message: "Call Ada back", Href: "/leads/1"}, receiveRep(t, notices))
}

func receiveRep(t *testing.T, ch <-chan domain.RepNotice) domain.RepNotice {
	t.Helper()
	select {
	case n := <-ch:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notice within 10 s")
		return domain.RepNotice{}
	}
}

func TestFeed_AWatcherOfAKindHearsEveryRecordOfItCreatedOrSaved(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewLeadRepository(db.Pool)
	feed := runFeed(t, db.Pool, 10)
	board, stop := subscribe(t, feed, postgres.AllOfKind)
	defer stop()
	deals, stopDeals, err := feed.Subscribe("deal", postgres.AllOfKind)
	require.NoError(t, err)
	defer stopDeals()

	first := create(t, repo, ada())
	got := receive(t, board)
	assert.Equal(t, []any{first.ID(), int64(1)}, []any{got.ID, got.Version}, "a new lead is heard")
	second := create(t, repo, ada())
	_, err = repo.Update(t.Context(), second.ID(), 1, func(l *lead.Lead) (bool, error) { return true, l.MoveTo(lead.StatusContacted, "maria") })
	require.NoError(t, err)
	got = receive(t, board)
	assert.Equal(t, second.ID(), got.ID)
	got = receive(t, board)
	assert.Equal(t, []any{second.ID(), int64(2), "maria"}, []any{got.ID, got.Version, got.Actor}, "and its move")
	select {
	case s := <-deals:
		t.Fatalf("a watcher of deals heard a lead: %+v", s)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestFeed_ListeningAgainEndsEveryWatcherSoItCatchesUp: the saves made
// while the feed's connection was broken were announced to nobody, so
// once it listens again every watcher's channel is closed (its stream
// ends, the browser reconnects and reads what changed), and the feed
// takes new watchers as before.
func TestFeed_ListeningAgainEndsEveryWatcherSoItCatchesUp(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewLeadRepository(db.Pool)
	l := create(t, repo, ada())
	feed := runFeed(t, db.Pool, 10)
	page, stopPage := subscribe(t, feed, l.ID())
	board, stopBoard := subscribe(t, feed, postgres.AllOfKind)
	rep, stopRep, err := feed.SubscribeRep(1)
	require.NoError(t, err)
	require.Equal(t, 3, feed.Watchers())

	require.Equal(t, 1, db.BreakListeners(t), "the feed's one listening session")
	closed(t, page)
	closed(t, board)
	closed(t, rep)
	assert.Zero(t, feed.Watchers())
	stopPage() // the streams' own stops, after the feed closed them
	stopBoard()
	stopRep()
	assert.Zero(t, feed.Watchers(), "a stop after the close counts nothing twice")

	again, stopAgain := subscribe(t, feed, l.ID())
	defer stopAgain()
	assert.Equal(t, 1, feed.Watchers(), "the feed goes on")
	_, err = repo.Update(t.Context(), l.ID(), 1, setScore(80, "maria"))
	require.NoError(t, err)
	got := receive(t, again)
	assert.Equal(t, []any{l.ID(), int64(2), "maria"}, []any{got.ID, got.Version, got.Actor}, "a save after it listens again is heard")
	stopAgain()
	assert.Zero(t, feed.Watchers())
}

// closed waits for ch to be closed, draining what it still holds.
func closed[T any](t *testing.T, ch <-chan T) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, open := <-ch:
			if !open {
				return
			}
		case <-timeout:
			t.Fatal("the channel is still open after 10 s")
		}
	}
}
