package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
)

// savedChannel is the NOTIFY channel every committed save is announced on.
const savedChannel = "crm_saved"

// RepChannel is the NOTIFY channel of notices for one rep: a payload is a
// domain.RepNotice as JSON. It is the seam for whatever else has news for
// a rep (a task's reminder): send the notice on it, with pg_notify in the
// transaction that makes it true, and the Feed delivers it to that rep's
// open pages on every instance (SubscribeRep). Saves that give a rep a
// record need not: their notice on savedChannel says so (domain.Saved.To),
// and the Feed words it with RepNoticeOf.
const RepChannel = "crm_rep_notice"

// ErrFeedFull is returned by Subscribe when the feed already serves its
// maximum of watchers; the caller should answer 503 and let the client
// retry later.
var ErrFeedFull = errors.New("too many live connections")

// ErrFeedStopped is returned by Subscribe once Run has ended.
var ErrFeedStopped = errors.New("live feed stopped")

// Feed delivers the saves announced on savedChannel to the watchers of the
// saved aggregate, whichever app instance made the save. It holds one
// connection that LISTENs and reconnects when it breaks; watchers never
// touch the database.
type Feed struct {
	// NoticeLag, when set before Run, is told how late each notice
	// arrived: from its sending (domain.Saved.At) to its receipt here.
	NoticeLag func(time.Duration)
	// RepNoticeOf, when set before Run, words the notice the rep a save
	// gave a record to hears (domain.Saved.To): the pages' wording, which
	// the wiring hands in. Without it such saves tell no rep.
	RepNoticeOf func(domain.Saved) domain.RepNotice

	pool *pgxpool.Pool
	log  *slog.Logger
	max  int

	mu       sync.Mutex
	watchers map[watchKey]map[chan domain.Saved]struct{}
	reps     map[int64]map[chan domain.RepNotice]struct{}
	count    int // watchers of records and of reps, within max
	stopped  bool
	// ready is closed once the first LISTEN is in place, so tests and
	// start-up can wait for it.
	ready chan struct{}
}

// AllOfKind is the id that subscribes to the saves of every aggregate of a
// kind (no aggregate has id 0).
const AllOfKind = 0

type watchKey struct {
	kind string
	id   int64
}

// NewFeed returns a Feed over pool serving at most max watchers at once.
// Run must be running for it to deliver anything.
func NewFeed(pool *pgxpool.Pool, max int, log *slog.Logger) *Feed {
	return &Feed{pool: pool, log: log, max: max, watchers: map[watchKey]map[chan domain.Saved]struct{}{},
		reps: map[int64]map[chan domain.RepNotice]struct{}{}, ready: make(chan struct{})}
}

// Ready is closed once the feed listens.
func (f *Feed) Ready() <-chan struct{} { return f.ready }

// Subscribe returns the saves of aggregate kind id from now on, and the
// function that stops them (call it exactly once); id 0 is every aggregate
// of kind, as a board watches them (AllOfKind). A watcher that does not
// keep up misses notices rather than slowing the feed down: each notice
// stands on its own. The channel is closed when the feed stops, and when
// it listens again after losing its connection: the notices sent meanwhile
// are lost, and the watcher should subscribe again and read what changed.
func (f *Feed) Subscribe(kind string, id int64) (<-chan domain.Saved, func(), error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return nil, nil, ErrFeedStopped
	}
	if f.count >= f.max {
		return nil, nil, ErrFeedFull
	}
	k := watchKey{kind, id}
	ch := make(chan domain.Saved, 8)
	if f.watchers[k] == nil {
		f.watchers[k] = map[chan domain.Saved]struct{}{}
	}
	f.watchers[k][ch] = struct{}{}
	f.count++
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.watchers[k][ch]; !ok {
			return // closed already: the feed stopped or listened again
		}
		delete(f.watchers[k], ch)
		if len(f.watchers[k]) == 0 {
			delete(f.watchers, k)
		}
		f.count--
	}, nil
}

// SubscribeRep returns the notices for rep (a user id) from now on, and
// the function that stops them (call it exactly once): every page a rep
// has open watches this, within the same limit as Subscribe. A watcher
// that does not keep up misses notices; the channel is closed as
// Subscribe's is.
func (f *Feed) SubscribeRep(rep int64) (<-chan domain.RepNotice, func(), error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return nil, nil, ErrFeedStopped
	}
	if f.count >= f.max {
		return nil, nil, ErrFeedFull
	}
	ch := make(chan domain.RepNotice, 8)
	if f.reps[rep] == nil {
		f.reps[rep] = map[chan domain.RepNotice]struct{}{}
	}
	f.reps[rep][ch] = struct{}{}
	f.count++
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.reps[rep][ch]; !ok {
			return // closed already: the feed stopped or listened again
		}
		delete(f.reps[rep], ch)
		if len(f.reps[rep]) == 0 {
			delete(f.reps, rep)
		}
		f.count--
	}, nil
}

// Watchers returns how many watchers the feed serves now.
func (f *Feed) Watchers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count
}

// retryListen is how long Run waits before listening again after the
// connection broke (the database restarting, say).
const retryListen = time.Second

// Run listens until ctx ends, then closes every watcher's channel so the
// streams end and a server can drain. When the connection breaks it
// listens again, and then closes every watcher's channel too (see
// listen): notices sent while it was not listening are lost, and only a
// watcher that subscribes again and reads what it shows can catch up.
func (f *Feed) Run(ctx context.Context) {
	defer f.stop()
	for ctx.Err() == nil {
		err := f.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		f.log.Warn("live feed lost its connection; listening again", "err", err, "retry_in", retryListen)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryListen):
		}
	}
}

func (f *Feed) listen(ctx context.Context) error {
	pc, err := f.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// The connection leaves the pool for good: it waits for notifications
	// indefinitely, and LISTEN state must not leak to other users.
	conn := pc.Hijack()
	defer func() {
		// Bounded: on a dead network the goodbye message could hang.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Close(ctx)
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+savedChannel+`; LISTEN `+RepChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	select {
	case <-f.ready:
		// Listening again after a lost connection (a database restart, a
		// failover): the saves committed meanwhile were announced to nobody.
		// A watcher cannot tell, so each is ended, as if the feed stopped,
		// but the feed goes on: the streams end, the browsers reconnect
		// (EventSource does by itself), and each stream reads the state
		// it shows on (re)connecting, after subscribing, so no save falls
		// in between.
		f.log.Info("live feed listens again; its watchers were ended to catch up", "watchers", f.endWatchers())
	default:
		close(f.ready)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		if n.Channel == RepChannel {
			var notice domain.RepNotice
			if err := json.Unmarshal([]byte(n.Payload), &notice); err != nil {
				f.log.Error("live feed got a rep notice it cannot read", "err", err, "payload", n.Payload)
				continue
			}
			f.deliverRep(notice)
			continue
		}
		var saved domain.Saved
		if err := json.Unmarshal([]byte(n.Payload), &saved); err != nil {
			f.log.Error("live feed got a notice it cannot read", "err", err, "payload", n.Payload)
			continue
		}
		if f.NoticeLag != nil && !saved.At.IsZero() {
			// Clocks of two instances may disagree a little: never below 0.
			f.NoticeLag(max(time.Since(saved.At), 0))
		}
		f.deliver(saved)
	}
}

func (f *Feed) stop() {
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
	f.endWatchers()
}

// endWatchers closes every watcher's channel and forgets it, so that its
// stop function finds it gone and leaves the count alone; it returns how
// many it ended.
func (f *Feed) endWatchers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	ended := f.count
	for k, chans := range f.watchers {
		for ch := range chans {
			close(ch)
		}
		delete(f.watchers, k)
	}
	for rep, chans := range f.reps {
		for ch := range chans {
			close(ch)
		}
		delete(f.reps, rep)
	}
	f.count = 0
	return ended
}

func (f *Feed) deliver(saved domain.Saved) {
	if saved.To != 0 && f.RepNoticeOf != nil {
		f.deliverRep(f.RepNoticeOf(saved))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range []watchKey{{saved.Kind, saved.ID}, {saved.Kind, AllOfKind}} {
		for ch := range f.watchers[k] {
			select {
			case ch <- saved:
			default: // a slow watcher misses this one
			}
		}
	}
}

func (f *Feed) deliverRep(notice domain.RepNotice) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.reps[notice.To] {
		select {
		case ch <- notice:
		default: // a slow watcher misses this one
		}
	}
}
