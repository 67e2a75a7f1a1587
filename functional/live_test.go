package functional

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/infrastructure/postgres"
)

// sseEvent is one server-sent event as a client reads it.
type sseEvent struct {
	name, data string
	at         time.Time
}

// openStream connects an SSE client to path with session and returns the
// events it reads, until the test ends.
func (a *instance) openStream(path string, session *http.Cookie) <-chan sseEvent {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a.t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.srv.URL+path, nil)
	require.NoError(a.t, err)
	req.AddCookie(session)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	require.NoError(a.t, err)
	require.Equal(a.t, http.StatusOK, res.StatusCode)
	require.Equal(a.t, "text/event-stream", res.Header.Get("Content-Type"))
	events := make(chan sseEvent, 16)
	go func() {
		defer res.Body.Close()
		defer close(events)
		r := bufio.NewReader(res.Body)
		var ev sseEvent
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && ev.name != "":
				ev.at = time.Now()
				events <- ev
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return events
}

func waitEvent(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		require.True(t, ok, "the stream ended")
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
		return sseEvent{}
	}
}

func TestLiveNoticeCrossesAppInstances(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	b := a.secondInstance()
	l := a.seedLead(ada)
	john := a.signIn("john")

	// John has the lead open on instance B; Maria saves through instance A.
	events := b.openStream(leadPath(l)+"/live", john)
	assert.Equal(t, int64(1), readNotice(t, waitEvent(t, events)).Version,
		"the stream opens with the version the page shows, which the page ignores")
	require.Eventually(t, func() bool { return b.feed.Watchers() == 1 }, 5*time.Second, 10*time.Millisecond)
	maria := a.signIn("maria")
	sent := time.Now()
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"phone": "+1 555 0100", "score": "85"}), false)
	require.Equal(t, http.StatusSeeOther, res.status)

	// The lead's creation may still be announced first: the stream opened
	// as it was stored.
	ev := waitEventAt(t, events, 2)
	delay := ev.at.Sub(sent)
	t.Logf("save on instance A to notice on instance B: %s", delay)
	assert.Equal(t, "saved", ev.name)
	notice := readNotice(t, ev)
	assert.Equal(t, int64(2), notice.Version)
	assert.Equal(t, "maria saved this lead just now — 2 fields changed: Phone and Score (version 2).", notice.Message)
	assert.Less(t, delay, 5*time.Second, "generous: the notice is meant to arrive within a second")

	// A status move is announced as one.
	res = a.doWith(maria, http.MethodPost, leadPath(l)+"/status", map[string][]string{"version": {"2"}, "status": {"CONTACTED"}}, false)
	require.Equal(t, http.StatusSeeOther, res.status)
	ev = waitEvent(t, events)
	assert.Contains(t, ev.data, "maria changed this lead's status just now (version 3).")
}

func TestLiveStreamNeedsASessionAndAnExistingLeadId(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	res := a.anonymous(http.MethodGet, leadPath(l)+"/live", nil)
	assert.Equal(t, http.StatusSeeOther, res.status, "no session, no stream")
	assert.Equal(t, http.StatusNotFound, a.get("/leads/abc/live").status)
	assert.Zero(t, a.feed.Watchers())
}

func TestLiveStreamEndsWhenTheClientLeaves(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.srv.URL+leadPath(l)+"/live", nil)
	require.NoError(t, err)
	req.AddCookie(a.session)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 1 }, 5*time.Second, 10*time.Millisecond)

	cancel()
	_ = res.Body.Close()
	assert.Eventually(t, func() bool { return a.feed.Watchers() == 0 }, 5*time.Second, 10*time.Millisecond,
		"the server lets go of a stream whose client left")
}

func TestLiveNoticesOnContactAndDealPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.seedContact(grace)
	d, err := a.deals.Create(context.Background(), "seed", c.ID(), engines)
	require.NoError(t, err)
	contactEvents := a.openStream(contactPath(c)+"/live", a.session)
	dealEvents := a.openStream(dealPath(d)+"/live", a.session)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 2 }, 5*time.Second, 10*time.Millisecond)

	maria := a.signIn("maria")
	res := a.doWith(maria, http.MethodPost, contactPath(c),
		map[string][]string{"version": {"1"}, "name": {grace.Name}, "email": {grace.Email}, "phone": {"+1 555 0199"}, "company": {grace.Company}, "notes": {grace.Notes}, "owner": {""}}, false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	// The seeding's own notices may reach the feed after the streams
	// opened: the save's is the one at version 2.
	assert.Contains(t, waitEventAt(t, contactEvents, 2).data, "maria saved this contact just now — 1 field changed: Phone (version 2).")

	res = a.doWith(maria, http.MethodPost, dealPath(d)+"/stage", map[string][]string{"version": {"1"}, "stage": {"WON"}, "closed_on": {todayUTC()}}, false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	// Winning also records the day it closed: the notice names both.
	assert.Contains(t, waitEventAt(t, dealEvents, 2).data, "maria saved this deal just now — 2 fields changed: Stage and Closed on (version 2).")

	page := a.get(contactPath(c))
	assert.Contains(t, page.body, `data-live-url="`+contactPath(c)+`/live"`)
	assert.Contains(t, page.body, `data-editor="contact-editor"`)
}

// liveNotice is a record page's live notice as its stream sends it.
type liveNotice struct {
	Version int64  `json:"version"`
	Message string `json:"message"`
}

func readNotice(t *testing.T, ev sseEvent) liveNotice {
	t.Helper()
	require.Equal(t, "saved", ev.name)
	var n liveNotice
	require.NoError(t, json.Unmarshal([]byte(ev.data), &n))
	return n
}

// saveUnheard saves change to lead id at version through a pool whose
// saves announce nothing: a save made while the live feed was not
// listening, whose notice reached no one.
func (a *instance) saveUnheard(id, version int64, change func(l *lead.Lead) error) {
	a.t.Helper()
	quiet, err := postgres.Connect(context.Background(), a.db.URL, postgres.Timeouts{}, postgres.LiveNotices(false))
	require.NoError(a.t, err)
	defer quiet.Close()
	_, err = postgres.NewLeadRepository(quiet).Update(context.Background(), id, version, func(l *lead.Lead) (bool, error) {
		return true, change(l)
	})
	require.NoError(a.t, err)
}

// scoreBy is a change of a lead's score by rep by.
func scoreBy(by string, score int) func(l *lead.Lead) error {
	return func(l *lead.Lead) error {
		f := l.Fields()
		f.Score = score
		_, err := l.Edit(f, by)
		return err
	}
}

// streamEnds waits for the stream's end, skipping the events before it.
func streamEnds(t *testing.T, events <-chan sseEvent) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, open := <-events:
			if !open {
				return
			}
		case <-timeout:
			t.Fatal("the stream did not end within 10 s")
		}
	}
}

// TestLiveStreamCatchesUpOnTheSavesTheFeedMissed: saves made while the
// live feed was not listening (the database restarting, a failover) were
// announced to no one. Once the feed listens again it ends the streams,
// and the stream a page opens again starts with the record's last save.
func TestLiveStreamCatchesUpOnTheSavesTheFeedMissed(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	john := a.signIn("john")
	events := a.openStream(leadPath(l)+"/live", john)
	assert.Equal(t, liveNotice{Version: 1, Message: "seed saved this lead since this page last heard from the server (version 1)."},
		readNotice(t, waitEvent(t, events)), "on connecting: the version a page just loaded shows, which it ignores")
	require.Eventually(t, func() bool { return a.feed.Watchers() == 1 }, 5*time.Second, 10*time.Millisecond)

	a.saveUnheard(l.ID(), 1, scoreBy("maria", 85))
	broke := time.Now()
	require.Equal(t, 1, a.db.BreakListeners(t), "the feed's listening session")
	streamEnds(t, events)
	ended := time.Now()
	assert.Zero(t, a.feed.Watchers())

	// EventSource reconnects by itself (3 s later); this client at once.
	again := a.openStream(leadPath(l)+"/live", john)
	caught := waitEvent(t, again)
	assert.Equal(t, liveNotice{Version: 2, Message: "maria saved this lead since this page last heard from the server (version 2)."},
		readNotice(t, caught))
	t.Logf("connection broken to stream ended: %s; reconnect to catch-up notice: %s", ended.Sub(broke), caught.at.Sub(ended))

	// And the feed goes on: a save now is announced as ever.
	maria := a.signIn("maria")
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 2, map[string]string{"phone": "+1 555 0100", "score": "85"}), false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "maria saved this lead just now — 1 field changed: Phone (version 3).", readNotice(t, waitEventAt(t, again, 3)).Message)
}
