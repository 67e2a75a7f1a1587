package functional

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/domain/user"
	"crm/infrastructure/postgres"
)

// TestSoak is the randomized checker of "nothing a rep typed or saved is
// ever lost". Reps, each signed in with a session and an API token, work
// on a few hot leads at once through the pages and the API: saves of
// random fields from versions that are often stale, moves with and
// without typing, "use mine" after a conflict, deletes, restores and
// restores with changes. Every acknowledged write is recorded with the
// version the rep started from and the one it produced; at the end the
// whole version history of every lead is checked against them:
//
//   - every version was produced by exactly one acknowledged write, so no
//     refused request (409, 410, 412, 422) wrote anything;
//   - each write's own values are in the version it produced, and it
//     changed nothing else: a merge never reverted or touched a field it
//     did not carry;
//   - a field (or the status) changed at version k only by a writer who
//     had seen its previous value: one who started at or after the version
//     that set it, which an explicit "use mine" after a conflict does, as
//     it starts from the version the conflict showed.
//
// `make test` runs the short version below; `make soak` runs a long one
// (SOAK_TRIALS, SOAK_REPS, SOAK_RECORDS, SOAK_DURATION).
func TestSoak(t *testing.T) {
	t.Parallel()
	cfg := soakConfig{trials: 1000, reps: 4, records: 3, duration: 3 * time.Minute}
	cfg.fromEnv(t)
	a := newApp(t)
	s := runSoak(t, a, cfg, []*instance{a}, nil)
	require.GreaterOrEqual(t, s.trials, int64(min(cfg.trials, 1000)), "too few trials to mean anything")
	require.NotZero(t, s.count("merged"), "no stale save was merged: the checker did not exercise merges")
	require.NotZero(t, s.count("409"), "no conflict happened: the checker did not exercise conflicts")
}

// runSoak runs the checker on a's database: cfg.reps reps, each sending
// its requests to one of vias in turn, until cfg.trials or cfg.duration,
// with during (when set) running beside them; the reps stop once it
// returns. It then checks every version and reports.
func runSoak(t *testing.T, a *instance, cfg soakConfig, vias []*instance, during func(s *soak)) *soak {
	s := &soak{a: a, cfg: cfg, counts: map[string]int{}, store: postgres.NewLeadRepository(a.db.Pool), failover: during != nil}
	for i := range cfg.records {
		l := a.seedLead(lead.Fields{Name: fmt.Sprintf("Hot lead %d", i+1), Email: fmt.Sprintf("hot%d@example.com", i+1), Score: 50})
		s.ids = append(s.ids, l.ID())
	}
	reps := make([]*soakRep, cfg.reps)
	for i := range reps {
		name := fmt.Sprintf("rep%d", i+1)
		_, err := a.auth.AddUser(context.Background(), name+"@example.com", name, name+testPasswordSuffix, user.RoleRep)
		require.NoError(t, err)
		token, err := a.createToken(name + "@example.com")
		require.NoError(t, err)
		via := vias[i%len(vias)]
		reps[i] = &soakRep{s: s, via: via, name: name, session: via.signIn(name), token: token,
			rng: rand.New(rand.NewPCG(uint64(i+1), uint64(time.Now().UnixNano()))), views: map[int64]*soakView{}}
	}

	start := time.Now()
	deadline := start.Add(cfg.duration)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for _, r := range reps {
		wg.Go(func() {
			for !stop.Load() && time.Now().Before(deadline) && s.trial.Add(1) <= int64(cfg.trials) {
				r.step()
			}
		})
	}
	if during != nil {
		during(s)
		stop.Store(true)
	}
	wg.Wait()
	elapsed := time.Since(start)
	s.trials = min(s.trial.Load(), int64(cfg.trials))

	versions, problems := s.check(t)
	t.Logf("soak: %d reps, %d hot leads, %d trials in %s (%.0f/s)", cfg.reps, cfg.records, s.trials, elapsed.Round(time.Millisecond),
		float64(s.trials)/elapsed.Seconds())
	t.Logf("soak: %d acknowledged writes (%d merged, %d after \"use mine\", %d deletes, %d restores), %d versions checked",
		len(s.acks), s.count("merged"), s.count("use mine"), s.count("deleted"), s.count("restored"), versions)
	t.Logf("soak: refused %d×409 conflict, %d×409 deleted, %d×412, %d×410, %d×422 (a move the status no longer allows); %d saves had nothing to save",
		s.count("409"), s.count("409 deleted"), s.count("412"), s.count("410"), s.count("422"), s.count("nothing"))
	for _, p := range problems {
		t.Error(p)
	}
	if s.trials < int64(cfg.trials) {
		t.Logf("soak: stopped by SOAK_DURATION after %d of %d trials", s.trials, cfg.trials)
	}
	return s
}

type soakConfig struct {
	trials, reps, records int
	duration              time.Duration
}

func (c *soakConfig) fromEnv(t *testing.T) {
	for name, n := range map[string]*int{"SOAK_TRIALS": &c.trials, "SOAK_REPS": &c.reps, "SOAK_RECORDS": &c.records} {
		if v := os.Getenv(name); v != "" {
			var err error
			*n, err = strconv.Atoi(v)
			require.NoError(t, err, name)
		}
	}
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		c.duration, err = time.ParseDuration(v)
		require.NoError(t, err, "SOAK_DURATION")
	}
	require.True(t, c.reps >= 2 && c.reps <= 8, "SOAK_REPS is 2 to 8")
	require.True(t, c.records >= 1, "SOAK_RECORDS is at least 1")
}

// soakAck is one acknowledged write: the version the rep started from,
// the one it produced, and the values it carried (fields, and "status"
// for a move), which are what the rep was told were saved.
type soakAck struct {
	id            int64
	rep, op       string
	start, landed int64
	changes       map[string]string
	deleted       *bool // set by a delete (true) or a restore (false)
	// restores is set by a restore with changes, which restores the lead
	// if it is still deleted and saves the changes either way.
	restores bool
	said     string // the page's notice, for the report of a failure
	// at is when the answer came, for placing a failure against a
	// failover's kill and promotion; request is the answer's
	// X-Request-Id, for finding it in the app's log.
	at      time.Time
	request string
	// sent is when a write answered "may or may not have landed" was
	// sent: the version it landed as, if any, was written between sent
	// and at (see landedUnsure).
	sent time.Time
}

// when is a's time and request, as a failure reports them.
func (a soakAck) when() string {
	answer := "answered"
	if !a.sent.IsZero() {
		answer = "answered 503 \"may have landed\""
	}
	return answer + " at " + a.at.Format("15:04:05.000") + ", request " + a.request
}

// requestOf is the id the app gave the request res answers.
func requestOf(res response) string { return res.header.Get("X-Request-Id") }

type soak struct {
	a     *instance
	store *postgres.LeadRepository // reads versions as stored
	cfg   soakConfig
	ids   []int64
	trial atomic.Int64
	// trials is how many trials ran, once runSoak is done.
	trials int64

	mu     sync.Mutex
	acks   []soakAck
	counts map[string]int

	// failover is set by TestFailover: a 503 is then expected, and a
	// write it answered may or may not have landed (see unsure).
	failover bool
	// unsure are the writes answered "may or may not have landed"; a
	// version no acknowledged write produced must be one of them.
	unsure []soakAck
	// ackedAt is when each acknowledged write was answered, to measure
	// how long no write succeeded at each failover.
	ackedAt []time.Time
}

func (s *soak) ack(a soakAck) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.acks {
		if b.id == a.id && b.landed == a.landed && b.rep == a.rep && a.deleted == nil {
			// The rep's own write, which already held everything they sent
			// now: the server answers with it rather than writing again
			// (a double submit).
			s.counts["own write again"]++
			return
		}
	}
	a.at = time.Now()
	s.acks = append(s.acks, a)
	s.ackedAt = append(s.ackedAt, a.at)
}

// unavailable handles a 503 to a write of typed from view v: an outage,
// expected only while the database fails over. "Nothing was saved" must be
// true, which check verifies; a write whose commit broke may be a version.
func (r *soakRep) unavailable(id int64, v *soakView, typed map[string]string, res response, op string) {
	if !r.s.failover {
		r.s.a.t.Errorf("%s of lead %d by %s: unexpected %d: %.300s", op, id, r.name, res.status, res.body)
		return
	}
	if strings.Contains(res.body, "may or may not have landed") {
		r.s.mu.Lock()
		r.s.unsure = append(r.s.unsure, soakAck{id: id, rep: r.name, op: op, start: v.version, changes: typed,
			at: time.Now(), sent: res.sent, request: requestOf(res)})
		r.s.mu.Unlock()
		r.s.note("503 unknown")
	} else {
		r.s.note("503 nothing saved")
	}
	r.refresh(id)
}

// unavailableExact is unavailable for a delete or a restore, whose
// write a carries what it would have changed.
func (r *soakRep) unavailableExact(id int64, v *soakView, res response, a soakAck) {
	if r.s.failover && strings.Contains(res.body, "may or may not have landed") {
		a.id, a.rep, a.start, a.at, a.sent, a.request = id, r.name, v.version, time.Now(), res.sent, requestOf(res)
		r.s.mu.Lock()
		r.s.unsure = append(r.s.unsure, a)
		r.s.mu.Unlock()
		r.s.note("503 unknown")
		r.refresh(id)
		return
	}
	r.unavailable(id, v, a.changes, res, a.op)
}

// read runs a read of the store, retried while the database fails over.
func (s *soak) read(what string, read func() error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := read()
		if err == nil {
			return
		}
		if !s.failover || !errors.Is(err, domain.ErrUnavailable) || time.Now().After(deadline) {
			require.NoError(s.a.t, err, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *soak) note(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[what]++
}

func (s *soak) count(what string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[what]
}

// soakFields are the fields reps change, and what a lead's version holds
// of each as text (the status too).
var soakFields = []string{lead.FieldCompany, lead.FieldPhone, lead.FieldSource, lead.FieldScore, lead.FieldNotes}

func soakState(l *lead.Lead) map[string]string {
	f := l.Fields()
	state := map[string]string{}
	for _, name := range append(slices.Clone(lead.EditableFields), lead.FieldStatus) {
		state[name] = f.Get(name)
	}
	state[lead.FieldStatus] = string(l.Status())
	return state
}

// soakView is what a rep's page or client shows of a lead: a version and
// its values. Reps refresh it only now and then, so they often write from
// a stale one, as reps who keep a page open do.
type soakView struct {
	version int64
	state   map[string]string
	deleted bool
}

type soakRep struct {
	s *soak
	// via is the app instance the rep's requests go to: s.a, or in
	// TestFailover one of two servers.
	via     *instance
	name    string
	session *http.Cookie
	token   string
	rng     *rand.Rand
	views   map[int64]*soakView
	n       int
}

// look sets the rep's view of lead id to its version as stored: what a
// page or the API showed them at that version.
func (r *soakRep) look(id, version int64) *soakView {
	var l []*lead.Lead
	r.s.read("read a version", func() (err error) {
		l, err = r.s.store.Versions(context.Background(), id, version, version)
		return err
	})
	require.Len(r.s.a.t, l, 1, "lead %d version %d", id, version)
	v := &soakView{version: version, state: soakState(l[0]), deleted: l[0].Deleted()}
	r.views[id] = v
	return v
}

// refresh is the rep reloading the page.
func (r *soakRep) refresh(id int64) *soakView {
	var l *lead.Lead
	r.s.read("reload a lead", func() (err error) {
		l, err = r.s.store.Get(context.Background(), id)
		return err
	})
	return r.look(id, l.Version())
}

func (r *soakRep) step() {
	id := r.s.ids[r.rng.IntN(len(r.s.ids))]
	v := r.views[id]
	if v == nil || r.rng.Float64() < 0.25 {
		v = r.refresh(id)
	}
	if v.deleted {
		switch r.rng.IntN(3) {
		case 0:
			r.restore(id, v, nil)
		case 1:
			r.restore(id, v, r.typing(v))
		default:
			r.pageSave(id, v, r.typing(v)) // a rep who has not noticed yet
		}
		return
	}
	switch p := r.rng.IntN(100); {
	case p < 35:
		r.pageSave(id, v, r.typing(v))
	case p < 55:
		r.apiPatch(id, v, r.typing(v))
	case p < 65:
		r.pageMove(id, v, nil)
	case p < 75:
		r.pageMove(id, v, r.typing(v))
	case p < 85:
		r.apiMove(id, v)
	case p < 90:
		r.pageDelete(id, v)
	default:
		r.pageSave(id, v, r.typing(v))
	}
}

// typing changes one or two fields of the rep's view: text nobody else
// types, or one of a few scores and sources.
func (r *soakRep) typing(v *soakView) map[string]string {
	r.n++
	typed := map[string]string{}
	for range 1 + r.rng.IntN(2) {
		field := soakFields[r.rng.IntN(len(soakFields))]
		tag := fmt.Sprintf("%s-%d", r.name, r.n)
		switch field {
		case lead.FieldPhone:
			typed[field] = fmt.Sprintf("+1 %d %d", 100+r.rng.IntN(900), r.rng.IntN(1_000_000))
		case lead.FieldScore:
			// Few values, so a field changed and changed back (A→B→A)
			// happens often: a save from before it must not merge over it.
			typed[field] = strconv.Itoa(10 + 40*r.rng.IntN(3))
		case lead.FieldSource:
			typed[field] = []string{"Website", "Referral", "Event"}[r.rng.IntN(3)]
		case lead.FieldNotes:
			typed[field] = "Note " + tag + "\nsecond line"
		default:
			typed[field] = "Typed " + tag
		}
	}
	for f, val := range typed {
		if v.state[f] == val {
			delete(typed, f)
		}
	}
	return typed
}

// form is the edit form of view v with typed on top.
func form(v *soakView, typed map[string]string) url.Values {
	f := url.Values{"version": {strconv.FormatInt(v.version, 10)}}
	for _, name := range lead.EditableFields {
		f.Set(name, v.state[name])
	}
	for name, val := range typed {
		f.Set(name, val)
	}
	return f
}

var noticeText = regexp.MustCompile(`data-testid="notice">([^<]*)<`)

// notice is what an answer's notice said.
func notice(res response) string {
	if m := noticeText.FindStringSubmatch(res.body); m != nil {
		return m[1]
	}
	return ""
}

var editorVersion = regexp.MustCompile(`<article id="lead-editor" data-testid="lead-editor" data-version="(\d+)"`)

func (r *soakRep) post(path string, f url.Values) response {
	return r.via.doWith(r.session, http.MethodPost, path, f, true)
}

// shown is the version the editor in an htmx answer shows.
func (r *soakRep) shown(res response) int64 {
	m := editorVersion.FindStringSubmatch(res.body)
	require.NotNil(r.s.a.t, m, "no editor in the answer (%d): %.300s", res.status, res.body)
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// pageSave saves typed through the lead page, as a rep presses Save.
func (r *soakRep) pageSave(id int64, v *soakView, typed map[string]string) {
	if len(typed) == 0 {
		return
	}
	res := r.post("/leads/"+strconv.FormatInt(id, 10), form(v, typed))
	r.answered(id, v, typed, res, "page save")
}

// answered handles the answer to a write of typed from view v: a 200
// acknowledges it at the version shown; a conflict is resolved with "use
// mine" half the time (typed again over the version the conflict showed)
// and dropped otherwise.
func (r *soakRep) answered(id int64, v *soakView, typed map[string]string, res response, op string) {
	switch res.status {
	case http.StatusOK:
		landed := r.shown(res)
		if landed == v.version || strings.Contains(res.body, "Nothing to save") ||
			strings.Contains(res.body, "They had already saved the same changes as yours.") {
			// Nothing written: what the rep typed is what is saved.
			r.s.note("nothing")
			r.look(id, landed)
			return
		}
		if strings.Contains(res.body, "Merged with") {
			r.s.note("merged")
		}
		r.s.ack(soakAck{id: id, rep: r.name, op: op, start: v.version, landed: landed, changes: typed, said: notice(res), request: requestOf(res)})
		r.look(id, landed)
	case http.StatusConflict:
		shown := r.shown(res)
		now := r.look(id, shown)
		if strings.Contains(res.body, `data-testid="deleted-banner"`) {
			r.s.note("409 deleted")
			if r.rng.IntN(2) == 0 && len(typed) > 0 && op == "page save" {
				// "Restore with my changes": the banner's button posts the
				// form as typed, from the version the rep typed on.
				r.restore(id, v, typed)
			}
			return
		}
		r.s.note("409")
		if r.rng.IntN(2) == 0 || len(typed) == 0 || op == "use mine" {
			return
		}
		// "Use mine": the rep read the banner, which showed version shown,
		// and saves their values over it.
		mine := map[string]string{}
		for f, val := range typed {
			if f != lead.FieldStatus && now.state[f] != val {
				mine[f] = val
			}
		}
		if len(mine) == 0 {
			return
		}
		res := r.post("/leads/"+strconv.FormatInt(id, 10), form(now, mine))
		if res.status == http.StatusOK && r.shown(res) != now.version {
			r.s.note("use mine")
		}
		r.answered(id, now, mine, res, "use mine")
	case http.StatusUnprocessableEntity:
		r.s.note("422")
		r.refresh(id)
	case http.StatusServiceUnavailable:
		r.unavailable(id, v, typed, res, op)
	default:
		r.s.a.t.Errorf("%s of lead %d by %s: unexpected %d: %.300s", op, id, r.name, res.status, res.body)
	}
}

// pageMove moves the lead from the page to a status its view allows,
// carrying what the rep typed when there is any.
func (r *soakRep) pageMove(id int64, v *soakView, typed map[string]string) {
	to, ok := r.nextStatus(v)
	if !ok {
		return
	}
	f := url.Values{"version": {strconv.FormatInt(v.version, 10)}}
	if typed != nil {
		f = form(v, typed)
	} else {
		typed = map[string]string{}
	}
	f.Set("status", string(to))
	res := r.post("/leads/"+strconv.FormatInt(id, 10)+"/status", f)
	carried := map[string]string{lead.FieldStatus: string(to)}
	for k, val := range typed {
		carried[k] = val
	}
	r.answered(id, v, carried, res, "page move")
}

func (r *soakRep) nextStatus(v *soakView) (lead.Status, bool) {
	var next []lead.Status
	for _, s := range lead.Status(v.state[lead.FieldStatus]).Next() {
		if s != lead.StatusConverted {
			next = append(next, s)
		}
	}
	if len(next) == 0 {
		return "", false
	}
	return next[r.rng.IntN(len(next))], true
}

func (r *soakRep) pageDelete(id int64, v *soakView) {
	res := r.post("/leads/"+strconv.FormatInt(id, 10)+"/delete", url.Values{"version": {strconv.FormatInt(v.version, 10)}})
	switch res.status {
	case http.StatusOK:
		// Done only when it sends the page to the list, as the handler does
		// after the delete: any other 200 is no acknowledgement.
		if !strings.HasPrefix(res.header.Get("HX-Redirect"), "/leads?notice=deleted") {
			r.s.a.t.Errorf("delete of lead %d by %s: 200 without the redirect to the list (request %s, HX-Redirect %q): %.300s",
				id, r.name, requestOf(res), res.header.Get("HX-Redirect"), res.body)
			r.refresh(id)
			return
		}
		// A delete is exact: it produced the version after the rep's.
		deleted := true
		r.s.ack(soakAck{id: id, rep: r.name, op: "delete", start: v.version, landed: v.version + 1, deleted: &deleted,
			changes: map[string]string{}, request: requestOf(res)})
		r.s.note("deleted")
		r.look(id, v.version+1)
	case http.StatusConflict:
		r.look(id, r.shown(res))
		r.s.note("409")
	case http.StatusServiceUnavailable:
		deleted := true
		r.unavailableExact(id, v, res, soakAck{op: "delete", deleted: &deleted, changes: map[string]string{}})
	default:
		r.s.a.t.Errorf("delete of lead %d: unexpected %d: %.300s", id, res.status, res.body)
	}
}

// restore restores a deleted lead, with what the rep typed (from the
// version they typed on, as the banner's button posts the form) or as it
// was (at the version that deleted it, as the Trash posts).
func (r *soakRep) restore(id int64, v *soakView, typed map[string]string) {
	f := url.Values{"version": {strconv.FormatInt(v.version, 10)}}
	withForm := typed != nil
	if withForm {
		f = form(v, typed)
	} else {
		typed = map[string]string{}
	}
	res := r.post("/leads/"+strconv.FormatInt(id, 10)+"/restore", f)
	switch res.status {
	case http.StatusOK:
		if strings.Contains(notice(res), "Nothing left to do") {
			r.s.note("nothing")
			r.refresh(id)
			return
		}
		a := soakAck{id: id, rep: r.name, op: "restore", start: v.version, landed: r.shown(res), changes: typed, said: notice(res),
			request: requestOf(res)}
		if withForm {
			a.op, a.restores = "restore with changes", true
		} else {
			restored := false
			a.deleted = &restored
		}
		r.s.ack(a)
		landed := a.landed
		r.s.note("restored")
		r.look(id, landed)
	case http.StatusConflict, http.StatusUnprocessableEntity:
		r.s.note("409")
		r.refresh(id)
	case http.StatusServiceUnavailable:
		a := soakAck{op: "restore with changes", changes: typed, restores: true}
		if !withForm {
			restored := false
			a.op, a.deleted = "restore", &restored
		}
		r.unavailableExact(id, v, res, a)
	default:
		r.s.a.t.Errorf("restore of lead %d: unexpected %d: %.300s", id, res.status, res.body)
	}
}

// apiPatch saves typed through the API at exactly the rep's version.
func (r *soakRep) apiPatch(id int64, v *soakView, typed map[string]string) {
	if len(typed) == 0 {
		return
	}
	body := map[string]any{}
	for f, val := range typed {
		if f == lead.FieldScore {
			n, _ := strconv.Atoi(val)
			body[f] = n
		} else {
			body[f] = val
		}
	}
	b, err := json.Marshal(body)
	require.NoError(r.s.a.t, err)
	res := r.via.apiCall(http.MethodPatch, "/api/v1/leads/"+strconv.FormatInt(id, 10), r.token, string(b),
		map[string]string{"If-Match": fmt.Sprintf(`"%d"`, v.version)})
	r.apiAnswered(id, v, typed, res, "api patch")
}

func (r *soakRep) apiMove(id int64, v *soakView) {
	to, ok := r.nextStatus(v)
	if !ok {
		return
	}
	res := r.via.apiCall(http.MethodPost, "/api/v1/leads/"+strconv.FormatInt(id, 10)+"/status", r.token,
		fmt.Sprintf(`{"status":%q}`, to), map[string]string{"If-Match": fmt.Sprintf(`"%d"`, v.version)})
	r.apiAnswered(id, v, map[string]string{lead.FieldStatus: string(to)}, res, "api move")
}

func (r *soakRep) apiAnswered(id int64, v *soakView, typed map[string]string, res response, op string) {
	switch res.status {
	case http.StatusOK:
		landed, err := strconv.ParseInt(strings.Trim(res.header.Get("ETag"), `"`), 10, 64)
		require.NoError(r.s.a.t, err)
		if landed != v.version {
			r.s.ack(soakAck{id: id, rep: r.name, op: op, start: v.version, landed: landed, changes: typed, request: requestOf(res)})
		} else {
			r.s.note("nothing")
		}
		r.look(id, landed)
	case http.StatusPreconditionFailed:
		r.s.note("412")
		r.refresh(id)
	case http.StatusGone:
		r.s.note("410")
		r.refresh(id)
	case http.StatusUnprocessableEntity:
		r.s.note("422")
		r.refresh(id)
	case http.StatusServiceUnavailable:
		r.unavailable(id, v, typed, res, op)
	default:
		r.s.a.t.Errorf("%s of lead %d: unexpected %d: %.300s", op, id, res.status, res.body)
	}
}

// clockSlack is how far a version's time, from the database's clock, may
// fall outside the span of the request that wrote it, from this process's
// clock: the same machine's clock, at different resolutions.
const clockSlack = 50 * time.Millisecond

// landedUnsure returns the write answered "may or may not have landed"
// that produced lead version versions[k], if one did: the rep's write of
// that lead from an earlier version, sent before the version was written
// and answered after, that explains it as an acknowledged write would
// (see verdict). Each counts once; of several, the one from the latest
// version.
func (s *soak) landedUnsure(versions []*lead.Lead, k int, lastSet map[string]int64) (soakAck, bool) {
	l := versions[k]
	best := -1
	for i, u := range s.unsure {
		if u.id != l.ID() || u.start > int64(k) || u.landed != 0 || u.rep != l.UpdatedBy() ||
			l.UpdatedAt().Before(u.sent.Add(-clockSlack)) || l.UpdatedAt().After(u.at.Add(clockSlack)) ||
			len(verdict(u, versions, k, lastSet)) > 0 {
			continue
		}
		if best < 0 || u.start > s.unsure[best].start {
			best = i
		}
	}
	if best < 0 {
		return soakAck{}, false
	}
	s.unsure[best].landed = int64(k + 1)
	s.counts["503 unknown, landed"]++
	return s.unsure[best], true
}

// verdict is what is wrong with write a as the one that produced lead
// version versions[k] (k ≥ 1), nothing when it explains that version:
// the writer wrote it, it holds the values a carried, it changed nothing
// a did not carry, it overwrote no value a's rep never saw, and it
// deleted or restored the lead only as a did. lastSet is the version that
// gave each field its value before.
func verdict(a soakAck, versions []*lead.Lead, k int, lastSet map[string]int64) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	id, version := a.id, int64(k+1)
	now, before := soakState(versions[k]), soakState(versions[k-1])
	if by := versions[k].UpdatedBy(); by != a.rep {
		fail("lead %d version %d (%s by %s from version %d, %s): written by %s", id, version, a.op, a.rep, a.start, a.when(), by)
	}
	// A multi-line text someone changed since the writer's version lands
	// as both edits merged line by line, when they touched different
	// lines: what the writer typed, merged with what was saved meanwhile
	// from the version the writer started from.
	combined := map[string]bool{}
	for f, val := range a.changes {
		if f == lead.FieldNotes && a.start >= 1 && a.start < lastSet[f] && a.start <= int64(len(versions)) {
			start := soakState(versions[a.start-1])[f]
			if merged, ok := domain.MergeLines(start, before[f], val); ok && now[f] == merged {
				combined[f] = true
				continue
			}
		}
		if now[f] != val {
			fail("lead %d version %d (%s by %s, %s): %s is %q, not the acknowledged %q", id, version, a.op, a.rep, a.when(), f, now[f], val)
		}
	}
	for f := range now {
		if now[f] == before[f] {
			continue
		}
		if _, carried := a.changes[f]; !carried {
			fail("lead %d version %d (%s by %s from version %d, %s): changed %s from %q to %q, which it did not carry (a merge reverted or touched it)",
				id, version, a.op, a.rep, a.start, a.when(), f, before[f], now[f])
		}
		if a.start < lastSet[f] && !combined[f] {
			fail("lead %d version %d (%s by %s from version %d): overwrote %s = %q, set at version %d, which the writer never saw (lost update)",
				id, version, a.op, a.rep, a.start, f, before[f], lastSet[f])
		}
	}
	gone, was := versions[k].Deleted(), versions[k-1].Deleted()
	switch {
	case gone != was && a.restores && !gone:
	case gone != was && (a.deleted == nil || *a.deleted != gone):
		fail("lead %d version %d (%s by %s): deleted went %v → %v without a delete or restore", id, version, a.op, a.rep, was, gone)
	case gone == was && a.deleted != nil:
		fail("lead %d version %d (%s by %s): a delete or restore that changed nothing", id, version, a.op, a.rep)
	}
	return problems
}

// check reads every version of every hot lead and holds them against the
// acknowledged writes; it returns how many versions it checked and what
// broke the promise.
func (s *soak) check(t *testing.T) (int, []string) {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	byVersion := map[[2]int64][]soakAck{}
	for _, a := range s.acks {
		byVersion[[2]int64{a.id, a.landed}] = append(byVersion[[2]int64{a.id, a.landed}], a)
	}
	checked := 0
	seen := map[[2]int64]bool{}
	for _, id := range s.ids {
		current, err := s.a.leads.Get(context.Background(), id)
		require.NoError(t, err)
		versions, err := s.store.Versions(context.Background(), id, 1, current.Version())
		require.NoError(t, err)
		require.Len(t, versions, int(current.Version()), "lead %d keeps every version", id)
		// lastSet is the version that gave each field its value so far.
		lastSet := map[string]int64{}
		for k := range versions {
			checked++
			version := int64(k + 1)
			seen[[2]int64{id, version}] = true
			now := soakState(versions[k])
			if k == 0 {
				for f := range now {
					lastSet[f] = 1
				}
				continue
			}
			acks := byVersion[[2]int64{id, version}]
			if len(acks) == 0 {
				if u, ok := s.landedUnsure(versions, k, lastSet); ok {
					acks = []soakAck{u}
				}
			}
			switch len(acks) {
			case 1:
				problems = append(problems, verdict(acks[0], versions, k, lastSet)...)
			default:
				var who []string
				for _, a := range acks {
					who = append(who, fmt.Sprintf("%s by %s from %d, told %q", a.op, a.rep, a.start, a.said))
				}
				fail("lead %d version %d, saved by %s (deleted %v) at %s, was produced by %d acknowledged writes, not 1 (%s): a refused or unacknowledged request wrote, or one write was reported twice",
					id, version, versions[k].UpdatedBy(), versions[k].Deleted(), versions[k].UpdatedAt().Format("15:04:05.000"), len(acks), strings.Join(who, "; "))
			}
			before := soakState(versions[k-1])
			for f := range now {
				if now[f] != before[f] {
					lastSet[f] = version
				}
			}
		}
	}
	for key, acks := range byVersion {
		if len(acks) > 1 {
			s.note("duplicate")
		}
		if !seen[key] {
			s.note("lost")
			fail("an acknowledged write of lead %d at version %d is not a version of a hot lead", key[0], key[1])
		}
		for _, a := range acks {
			if a.landed <= a.start && a.deleted == nil {
				fail("lead %d: %s by %s landed at %d from %d", a.id, a.op, a.rep, a.landed, a.start)
			}
		}
	}
	return checked, problems
}

// TestLandedUnsure checks the checker: of the writes answered "may or may
// not have landed", the version is the one that explains it. A delete
// carries no field, so it once matched any version and was blamed for
// the save that landed; a write answered before the version was written,
// or by another rep, cannot be it either.
func TestLandedUnsure(t *testing.T) {
	kill := time.Date(2026, 11, 29, 21, 11, 38, 0, time.UTC)
	base := lead.Fields{Name: "Hot lead 1", Email: "hot1@example.com", Score: 50, Notes: "first"}
	saved := base
	saved.Notes = "second"
	versions := []*lead.Lead{
		lead.Rehydrate(lead.Snapshot{ID: 2, Version: 1, Fields: base, Status: lead.StatusNew, UpdatedBy: "ann", UpdatedAt: kill.Add(-time.Minute)}),
		lead.Rehydrate(lead.Snapshot{ID: 2, Version: 2, Fields: saved, Status: lead.StatusNew, UpdatedBy: "rep7", UpdatedAt: kill.Add(-600 * time.Millisecond)}),
	}
	deleted := true
	s := &soak{counts: map[string]int{}, unsure: []soakAck{
		{id: 2, rep: "rep8", op: "delete", start: 1, deleted: &deleted, changes: map[string]string{},
			sent: kill.Add(-time.Second), at: kill.Add(18 * time.Millisecond)},
		{id: 2, rep: "rep1", op: "page save", start: 1, changes: map[string]string{lead.FieldNotes: "second"},
			sent: kill.Add(-time.Second), at: kill.Add(18 * time.Millisecond)},
		{id: 2, rep: "rep7", op: "page save", start: 1, changes: map[string]string{lead.FieldNotes: "second"},
			sent: kill.Add(-3 * time.Second), at: kill.Add(-2 * time.Second)},
		{id: 2, rep: "rep7", op: "page save", start: 1, changes: map[string]string{lead.FieldNotes: "second"},
			sent: kill.Add(-700 * time.Millisecond), at: kill.Add(19 * time.Millisecond)},
	}}

	got, ok := s.landedUnsure(versions, 1, map[string]int64{})
	require.True(t, ok)
	assert.Equal(t, s.unsure[3].sent, got.sent, "the save sent before the version and answered after it")
	assert.Empty(t, verdict(got, versions, 1, map[string]int64{}))
	assert.Equal(t, []int64{0, 0, 0, 2}, []int64{s.unsure[0].landed, s.unsure[1].landed, s.unsure[2].landed, s.unsure[3].landed})
	_, again := s.landedUnsure(versions, 1, map[string]int64{})
	assert.False(t, again, "each write lands once")
}
