package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"crm/delivery/web/views"
	"crm/domain"
)

// LiveFeed delivers the saves that commit, made on any app instance.
type LiveFeed interface {
	// Subscribe returns the saves of aggregate kind id from now on and the
	// function that stops them; an error means no more watchers fit. The
	// channel is closed when the server shuts down, and when the feed may
	// have missed saves (it lost its connection): the stream then ends and
	// the client reconnects and catches up. Id 0 is every aggregate of the
	// kind (a board's cards).
	Subscribe(kind string, id int64) (<-chan domain.Saved, func(), error)
	// SubscribeRep returns the notices for rep (a user id) from now on,
	// and the function that stops them, as Subscribe does.
	SubscribeRep(rep int64) (<-chan domain.RepNotice, func(), error)
}

// Server-sent events timing: a comment every heartbeat keeps proxies from
// closing an idle stream and tells the server when the client is gone; a
// write that takes longer than writeWait means a stuck client.
const (
	heartbeat = 20 * time.Second
	writeWait = 10 * time.Second
)

// liveNotice is what a lead page's live notice receives for a save.
type liveNotice struct {
	Version int64  `json:"version"`
	Message string `json:"message"`
}

// MaxStreamsPerRep bounds the live notices one rep holds open on an
// instance (tabs and devices together), so one session cannot take every
// slot the feed has and leave the other reps without notices.
const MaxStreamsPerRep = 20

// streams counts the live notices each rep holds open, and says at most
// once a minute that some were refused, so a flood of refusals cannot
// flood the log.
type streams struct {
	mu        sync.Mutex
	open      map[int64]int // by rep id
	lastNoted time.Time
}

// take counts one more stream of rep, false when they hold the most.
func (c *streams) take(rep int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open == nil {
		c.open = map[int64]int{}
	}
	if c.open[rep] >= MaxStreamsPerRep {
		return false
	}
	c.open[rep]++
	return true
}

func (c *streams) release(rep int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open[rep]--; c.open[rep] <= 0 {
		delete(c.open, rep)
	}
}

// noteRefusal reports whether a refusal should be logged now: the first
// of each minute is.
func (c *streams) noteRefusal(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.lastNoted) < time.Minute {
		return false
	}
	c.lastNoted = now
	return true
}

// livePaused answers a live stream refused for lack of slots; the page
// works without it.
const livePaused = "Live notices are paused; the page still works. Reload later to get them back."

// refuseStream answers a stream refused with status, asking the browser
// to come back in 30 s, and logs it only once a minute.
func (s *server) refuseStream(w http.ResponseWriter, r *http.Request, status int, why string) {
	if s.streams.noteRefusal(time.Now()) {
		s.log.WarnContext(r.Context(), "live notices refused (logged once a minute)", "why", why, "status", status,
			"request_id", requestID(r.Context()))
	}
	w.Header().Set("Retry-After", "30")
	http.Error(w, livePaused, status)
}

// stream streams the saves of aggregate id of kind as server-sent events,
// each worded by message, so its open page can say "maria saved this lead
// just now" without a reload. Pages work without it; it only announces.
// The caller has checked that the aggregate exists.
//
// The first event is the aggregate as current reads it once subscribed:
// a save made while the page was not listening (before the stream opened,
// or while it was down and the browser reconnecting) was announced to
// nobody, and the page, which ignores a notice of the version it shows,
// hears of it this way. A read that fails (the database down) skips it.
func (s *server) stream(w http.ResponseWriter, r *http.Request, kind string, id int64, message func(domain.Saved) string,
	current func(ctx context.Context) (liveNotice, error)) error {
	catchUp := func() []byte {
		ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
		defer cancel()
		n, err := current(ctx)
		if err != nil {
			s.log.WarnContext(r.Context(), "live notices: could not read the record to catch up; streaming on",
				"kind", kind, "id", id, "err", err, "request_id", requestID(r.Context()))
			return nil
		}
		data, _ := json.Marshal(n) // a number and a string: it cannot fail
		return data
	}
	return s.streamSaves(w, r, kind, id, catchUp, func(saved domain.Saved) ([]byte, error) {
		return json.Marshal(liveNotice{Version: saved.Version, Message: message(saved)})
	}, "saved")
}

// streamSaves streams the saves of aggregate id of kind (0: of every one
// of kind) as server-sent events named name, each as encode writes it,
// within the rep's and the feed's limits on streams. catchUp, when not
// nil, is called once subscribed, so no save falls between what it reads
// and the saves streamed: the data of a first event, or nil for none.
func (s *server) streamSaves(w http.ResponseWriter, r *http.Request, kind string, id int64, catchUp func() []byte,
	encode func(domain.Saved) ([]byte, error), name string) error {
	if s.live == nil {
		return errPageNotFound
	}
	rep, _ := views.CurrentUser(r.Context())
	if !s.streams.take(rep.ID) {
		s.refuseStream(w, r, http.StatusTooManyRequests, fmt.Sprintf("rep %d holds %d streams", rep.ID, MaxStreamsPerRep))
		return nil
	}
	defer s.streams.release(rep.ID)
	saves, stop, err := s.live.Subscribe(kind, id)
	if err != nil {
		s.refuseStream(w, r, http.StatusServiceUnavailable, "the feed has no slot left: "+err.Error())
		return nil
	}
	defer stop()
	var first []byte
	if catchUp != nil {
		first = catchUp()
	}
	return serveEvents(w, r, first, saves, encode, name)
}

// serveEvents streams first (unless nil) and then each value of events as
// a server-sent event named name, its data as encode writes it (nil data:
// the value is not sent), until the client goes, the channel closes (the
// server shutting down, or the feed asking its watchers to catch up) or a
// write fails.
func serveEvents[T any](w http.ResponseWriter, r *http.Request, first []byte, events <-chan T, encode func(T) ([]byte, error), name string) error {
	rc := http.NewResponseController(w)
	// The server's WriteTimeout bounds whole responses; this one lasts as
	// long as the page is open, so each write gets its own deadline instead.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return fmt.Errorf("live stream: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)
	send := func(frame string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeWait))
		if _, err := fmt.Fprint(w, frame); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// "retry" tells EventSource how long to wait before reconnecting.
	if !send("retry: 3000\n: connected\n\n") {
		return nil
	}
	if first != nil && !send("event: "+name+"\ndata: "+string(first)+"\n\n") {
		return nil
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-tick.C:
			if !send(": ping\n\n") {
				return nil
			}
		case ev, open := <-events:
			if !open {
				// The server is shutting down, or the feed may have missed
				// saves: EventSource reconnects, and the new stream catches up.
				return nil
			}
			data, err := encode(ev)
			if err == nil && data == nil {
				continue
			}
			if err != nil || !send("event: "+name+"\ndata: "+string(data)+"\n\n") {
				return nil
			}
		}
	}
}

// savedMessage says what a save did, for rep you looking at the record:
// "maria saved this lead just now — 2 fields changed: Phone and Score."
// The rep's own save, made in another tab, is said to be theirs.
func (p *recordPages[A, F]) savedMessage(s domain.Saved, you string) string {
	who, when := views.Who(s.Actor), "just now"
	if s.Actor == you {
		who, when = "You", "in another tab just now"
	}
	switch {
	case s.Event == domain.EventDeleted:
		return deletedMessage(who, s.Kind, when, s.Version)
	case s.Event == domain.EventRestored:
		return fmt.Sprintf("%s restored this %s from the Trash %s (version %d).", who, s.Kind, when, s.Version)
	case p.moved != "" && len(s.Fields) == 1 && s.Fields[0] == p.stateField:
		return fmt.Sprintf("%s %s %s (version %d).", who, p.moved, when, s.Version)
	case len(s.Fields) == 1:
		return fmt.Sprintf("%s saved this %s %s — 1 field changed: %s (version %d).",
			who, s.Kind, when, fieldList(s.Fields, p.labels), s.Version)
	default:
		return fmt.Sprintf("%s saved this %s %s — %d fields changed: %s (version %d).",
			who, s.Kind, when, len(s.Fields), fieldList(s.Fields, p.labels), s.Version)
	}
}

// caughtUpMessage says what the last save of record a did, for rep you,
// when the page may not have heard of it (the stream's first event, see
// stream): "maria saved this lead since this page last heard from the
// server (version 7)." Only the record as it now is is at hand, not what
// the save changed nor how many saves the page missed, so it names the
// last saver and the version, and says a deleted record is deleted. Not
// "in another tab": the rep's own save whose answer was lost reads so too.
func (p *recordPages[A, F]) caughtUpMessage(a A, you string) string {
	who, when := views.Who(a.UpdatedBy()), "since this page last heard from the server"
	if a.UpdatedBy() == you {
		who = "You"
	}
	if a.Deleted() {
		return deletedMessage(who, p.kind, when, a.Version())
	}
	return fmt.Sprintf("%s saved this %s %s (version %d).", who, p.kind, when, a.Version())
}

// deletedMessage says that who deleted a record of kind when, at version,
// and what that means for the rep's typing.
func deletedMessage(who, kind, when string, version int64) string {
	return fmt.Sprintf("%s deleted this %s %s (version %d). It is in the Trash; what you type here cannot be saved unless it is restored.",
		who, kind, when, version)
}
