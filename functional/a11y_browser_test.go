package functional

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/entry"
	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/task"
	"crm/usecase/auth"
)

// axeTags are the rule sets of the team's standard: WCAG 2.0, 2.1 and 2.2
// at levels A and AA (axe-core has no wcag22a tag; its 2.2 A rules are
// tagged wcag22aa or belong to the older sets).
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeViolation is one rule axe-core found broken on a page, with the
// elements that break it.
type axeViolation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct{ Target, Summary string }
}

// axeSource is the vendored axe-core (functional/testdata/axe, refreshed by
// `make vendor`) and the version its package.json pins.
func axeSource(t *testing.T) (source, version string) {
	t.Helper()
	js, err := os.ReadFile("testdata/axe/axe.min.js")
	require.NoError(t, err, "axe-core is vendored by `make vendor`")
	pkg, err := os.ReadFile("testdata/axe/package.json")
	require.NoError(t, err)
	var p struct{ Dependencies map[string]string }
	require.NoError(t, json.Unmarshal(pkg, &p), "testdata/axe/package.json")
	require.NotEmpty(t, p.Dependencies["axe-core"], "testdata/axe/package.json pins axe-core")
	return string(js), p.Dependencies["axe-core"]
}

// runAxe injects axe-core into the page tab shows and runs the standard's
// rules on the whole document. Closed disclosures are opened first, so the
// forms a rep reaches by opening them (Delete, Purge) are checked too.
func runAxe(t *testing.T, tab context.Context, source, version string) []axeViolation {
	t.Helper()
	injected, err := chromedp.Run(tab, chromedp.Evaluate[string](source+";\naxe.version"))
	require.NoError(t, err, "injecting axe-core")
	require.Equal(t, version, injected, "the vendored axe.min.js is the version testdata/axe/package.json pins: run `make vendor`")
	tags, err := json.Marshal(axeTags)
	require.NoError(t, err)
	violations, err := chromedp.Run(tab, chromedp.Evaluate[[]axeViolation](`(async () => {
		document.querySelectorAll('details').forEach(d => { d.open = true });
		const r = await axe.run(document, {runOnly: {type: 'tag', values: `+string(tags)+`}, resultTypes: ['violations']});
		return r.violations.map(v => ({
			ID: v.id, Impact: v.impact || '', Help: v.help, HelpURL: v.helpUrl,
			Nodes: v.nodes.map(n => ({
				Target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : s).join(' '),
				Summary: n.failureSummary || '',
			})),
		}));
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err, "running axe-core")
	return violations
}

// focusablesJS keeps the page's keyboard-focusable elements in
// window.focusables and describes each: its look (tag, type, role, classes
// and the colour it sits on), which decides how its focus shows, and the
// start of its markup, for messages.
const focusablesJS = `(() => {
	const colourUnder = e => {
		for (; e; e = e.parentElement) {
			const c = getComputedStyle(e).backgroundColor;
			if (c !== 'rgba(0, 0, 0, 0)') return c;
		}
		return 'canvas';
	};
	window.focusables = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
		.filter(e => e.tabIndex >= 0 && !e.disabled && e.type !== 'hidden' && e.checkVisibility({visibilityProperty: true}));
	return window.focusables.map(e => ({
		Look: [e.tagName, e.type || '', e.getAttribute('role') || '', e.className, colourUnder(e.parentElement)].join(' '),
		HTML: e.outerHTML.slice(0, 120),
	}));
})()`

// focusMargin is how far around an element its focus indicator is looked
// for, in CSS pixels: outlines are drawn outside, some with an offset.
const focusMargin = 12

// checkFocusShows focuses, as the keyboard would, each element of the page
// that looks unlike any in seen, and compares the screen around it before
// and after: the pixels whose colour changes by a contrast of 3:1 or more
// (what WCAG 1.4.11 asks of the parts that show a state) must add up to at
// least a 1 px line around the element. It returns what fails.
func checkFocusShows(t *testing.T, tab context.Context, seen map[string]bool) []string {
	t.Helper()
	// A key press puts the page in keyboard mode, where focus() shows as
	// :focus-visible, as Tab would.
	require.NoError(t, chromedp.Do(tab, chromedp.KeyEvent(kb.Tab)))
	type focusable struct{ Look, HTML string }
	all, err := chromedp.Run(tab, chromedp.Evaluate[[]focusable](focusablesJS))
	require.NoError(t, err)
	var problems []string
	for i, f := range all {
		if seen[f.Look] {
			continue
		}
		seen[f.Look] = true
		box, err := chromedp.Run(tab, chromedp.Evaluate[page.Viewport](fmt.Sprintf(`(() => {
			const e = window.focusables[%d];
			document.activeElement.blur();
			e.scrollIntoView({block: 'center', inline: 'nearest'});
			const r = e.getBoundingClientRect();
			return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height, scale: 1};
		})()`, i)))
		require.NoError(t, err)
		before := screenAround(t, tab, box)
		visible, err := chromedp.Run(tab, chromedp.Evaluate[bool](fmt.Sprintf(
			`(() => { const e = window.focusables[%d]; e.focus(); return e.matches(':focus-visible') })()`, i)))
		require.NoError(t, err)
		require.True(t, visible, "%s takes keyboard focus", f.HTML)
		changed := changedByContrast(t, before, screenAround(t, tab, box), 3)
		if ring := int(2 * (box.Width + box.Height)); changed < ring {
			problems = append(problems, fmt.Sprintf("keyboard focus on %s hardly shows: %d px change by 3:1 or more, a 1 px line around it is %d px", f.HTML, changed, ring))
		}
	}
	return problems
}

// screenAround is a picture of the page around box, focusMargin wide.
func screenAround(t *testing.T, tab context.Context, box page.Viewport) image.Image {
	t.Helper()
	clip := page.Viewport{X: max(0, box.X-focusMargin), Y: max(0, box.Y-focusMargin), Scale: 1}
	clip.Width, clip.Height = box.X+box.Width+focusMargin-clip.X, box.Y+box.Height+focusMargin-clip.Y
	yes := true
	shot, err := chromedp.Call(tab, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, Clip: &clip, FromSurface: &yes, CaptureBeyondViewport: &yes})
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(shot.Data))
	require.NoError(t, err)
	return img
}

// changedByContrast counts the pixels whose colours in a and b differ by a
// contrast ratio of at least ratio.
func changedByContrast(t *testing.T, a, b image.Image, ratio float64) int {
	t.Helper()
	require.Equal(t, a.Bounds(), b.Bounds(), "two pictures of the same place")
	n := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			la, lb := luminance(a.At(x, y)), luminance(b.At(x, y))
			if (max(la, lb)+0.05)/(min(la, lb)+0.05) >= ratio {
				n++
			}
		}
	}
	return n
}

// luminance is WCAG's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	linear := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*linear(r) + 0.7152*linear(g) + 0.0722*linear(b)
}

// TestBrowserPagesHaveNoAccessibilityViolations holds every page a rep and
// an admin use to the team's standard: axe-core finds no WCAG 2.2 AA
// violation at 1280 and at 390 px wide, and no page has a drag without a
// keyboard path. Pages are checked in the states that add to them: a
// search and a tab, validation messages, a conflict with the live notice,
// a delete met by a save, open disclosures. What axe cannot see is checked
// too: keyboard focus shows on every kind of control (checkFocusShows),
// and the pages read the same when the rep's system prefers dark.
func TestBrowserPagesHaveNoAccessibilityViolations(t *testing.T) {
	source, version := axeSource(t)
	a := newApp(t)
	ctx := context.Background()

	// More than a page of leads, so the list ends in "Load more"; one
	// contacted Grace for the search and the tab.
	for i := range 50 {
		a.seedLead(lead.Fields{Name: fmt.Sprintf("Lead %02d", i), Company: "Acme", Email: fmt.Sprintf("lead%02d@example.com", i), Score: i})
	}
	_, err := a.leads.MoveAt(ctx, "seed", a.seedLead(lead.Fields{Name: "Grace Kelly", Company: "Monaco", Email: "grace@monaco.mc", Score: 40}), lead.StatusContacted)
	require.NoError(t, err)
	l := a.seedLead(ada)
	f := l.Fields()
	f.Score = 75
	_, err = a.leads.Update(ctx, "maria", l, f) // a history entry with a change
	require.NoError(t, err)
	// The lead's timeline: a call of maria's with a link, a note of john's
	// and one the admin hid.
	ref := entry.Ref{Kind: lead.Kind, ID: l.ID()}
	logged, err := a.entries.For(a.user("maria")).Create(ctx, ref, entry.Fields{Type: entry.TypeCall,
		Body: "Left a message, see https://example.com/pricing.", Outcome: entry.OutcomeVoicemail, Duration: 3}, time.Time{})
	require.NoError(t, err)
	_, err = a.entries.For(a.user("john")).Create(ctx, ref, entry.Fields{Type: entry.TypeNote, Body: "Prefers email.\nAfter 3pm."}, time.Time{})
	require.NoError(t, err)
	rude, err := a.entries.For(a.user("john")).Create(ctx, ref, entry.Fields{Type: entry.TypeNote, Body: "Something rude."}, time.Time{})
	require.NoError(t, err)
	_, err = a.entries.For(a.user("ann")).Hide(ctx, rude.ID(), rude.Version(), true)
	require.NoError(t, err)
	qualified := a.qualifiedLead(85)
	conflicted := a.seedLead(lead.Fields{Name: "Charles Babbage", Email: "charles@example.com", Company: "Difference Engines", Score: 60, Notes: "Wants a quote."})
	deleted := a.seedLead(lead.Fields{Name: "Alan Turing", Company: "Bletchley", Score: 30})
	c := a.seedContact(grace)
	d := a.seedDeal(engines)
	gift := a.seedLead(lead.Fields{Name: "Grace Hopper", Company: "US Navy", Score: 50})
	trashed := a.seedLead(lead.Fields{Name: "Konrad Zuse", Company: "Zuse KG", Score: 20})
	_, err = a.leads.Delete(ctx, "maria", trashed.ID(), trashed.Version())
	require.NoError(t, err)
	_, _, err = a.auth.CreateToken(ctx, "maria@example.com", auth.TokenOptions{})
	require.NoError(t, err)
	// Saved views: one of maria's own and one john shares with the team.
	mine, err := a.views.For(a.user("maria")).Create(ctx, savedview.Fields{Name: "My hot leads", Query: "score_min=40&sort=score"})
	require.NoError(t, err)
	team, err := a.views.For(a.user("john")).Create(ctx, savedview.Fields{Name: "Trade show follow-ups", Query: "source=Trade+show", Shared: true})
	require.NoError(t, err)
	// Maria's tasks about Ada: one overdue, edited once for its history,
	// one upcoming, one done.
	about := task.Link{Kind: lead.Kind, ID: l.ID()}
	tk, err := a.tasks.Create(ctx, a.user("maria"), task.Fields{Title: "Call Ada back", Due: time.Now().Add(-26 * time.Hour), Priority: task.PriorityHigh}, about)
	require.NoError(t, err)
	tf := tk.Fields()
	tf.Due = tf.Due.Add(time.Hour)
	_, err = a.tasks.Update(ctx, "maria", tk, tf)
	require.NoError(t, err)
	_, err = a.tasks.Create(ctx, a.user("maria"), task.Fields{Title: "Send Ada the quote", Due: time.Now().AddDate(0, 0, 4)}, about)
	require.NoError(t, err)
	doneTask, err := a.tasks.Create(ctx, a.user("maria"), task.Fields{Title: "Book the demo"}, about)
	require.NoError(t, err)
	_, err = a.tasks.Complete(ctx, "maria", doneTask.ID(), doneTask.Version())
	require.NoError(t, err)
	// An admin action, so the audit log has an entry.
	require.Equal(t, http.StatusSeeOther, a.post("/admin/users", url.Values{"email": {"ada@example.com"}, "name": {"Ada"}, "password": {"ada" + testPasswordSuffix}, "role": {"rep"}}).status)

	// Some 30 s alone; more on a busy machine.
	browser := newBrowserFor(t, 5*time.Minute)
	anonymous, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	maria, ann := a.newRep(browser, "maria"), a.newRep(browser, "ann")

	// goTo opens path and waits for sel.
	goTo := func(path, sel string) func(context.Context) error {
		return func(tab context.Context) error {
			return chromedp.Do(tab, chromedp.Navigate(a.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(sel)))
		}
	}
	// staleSave opens l's page, has someone else write to it meanwhile
	// (write) and saves what the rep typed from the old version, until sel
	// shows. A lead the other width's turn deleted is restored first.
	staleSave := func(l *lead.Lead, write func(*lead.Lead) error, sel string) func(context.Context) error {
		return func(tab context.Context) error {
			now, err := a.leads.Get(ctx, l.ID())
			if err == nil && now.Deleted() {
				now, err = a.leads.Restore(ctx, "john", now.ID(), now.Version())
			}
			if err != nil {
				return err
			}
			if err := goTo(leadPath(l), `[data-testid="save"]`)(tab); err != nil {
				return err
			}
			if err := write(now); err != nil {
				return err
			}
			return chromedp.Do(tab,
				chromedp.SetValue(chromedp.CSS(`#lead-notes`), fmt.Sprintf("Typed on version %d.", now.Version())),
				chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
				chromedp.WaitVisible(chromedp.CSS(sel)),
			)
		}
	}
	pages := []struct {
		name string
		tab  context.Context
		open func(context.Context) error
	}{
		{"sign-in", anonymous, goTo("/login", `#login-email`)},
		{"lead list", maria, goTo("/leads", `[data-testid="load-more"]`)},
		{"lead list searched, on a tab", maria, goTo("/leads?q=grace&status=CONTACTED", `[data-testid="matches"]`)},
		{"lead, with its tasks", maria, goTo(leadPath(l), `[data-testid="task-section"] [data-testid="task-item"]`)},
		{"today", maria, goTo("/today", `[data-testid="today-overdue"] [data-testid="task-item"]`)},
		{"dashboard", maria, goTo("/dashboard?scope=team", `[data-testid="dashboard-overdue"] [data-testid="overdue-task"]`)},
		{"tasks", maria, goTo("/tasks?assignee=all&status=", `[data-testid="task-list"]`)},
		{"task", maria, goTo(fmt.Sprintf("/tasks/%d", tk.ID()), `[data-testid="history-change"]`)},
		{"lead's timeline as admin, a hidden entry", ann, goTo(leadPath(l), `[data-testid="entry-unhide"]`)},
		{"lead's log refused", maria, func(tab context.Context) error {
			return chromedp.Do(tab,
				chromedp.Navigate(a.srv.URL+leadPath(l)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="log-form"]`)),
				chromedp.SetValue(chromedp.CSS(`#lead-log-outcome`), "held"),
				chromedp.Click(chromedp.CSS(`[data-testid="log-submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#lead-log-body-error`)),
			)
		}},
		{"entry", maria, goTo(fmt.Sprintf("/entries/%d", logged.ID()), `#entry-form`)},
		{"my leads, told of a lead someone gave the rep", maria, func(tab context.Context) error {
			if err := goTo("/leads?owner=me", `[data-testid="owner-tab-me"]`)(tab); err != nil {
				return err
			}
			// Given to nobody first when the other width's turn left it hers.
			for _, owner := range []int64{0, a.user("maria").ID} {
				now, err := a.leads.Get(ctx, gift.ID())
				if err != nil {
					return err
				}
				f := now.Fields()
				f.Owner = owner
				if _, err := a.leads.Update(ctx, "john", now, f); err != nil {
					return err
				}
			}
			return chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`[data-testid="rep-notice"]`)))
		}},
		{"new lead with validation errors", maria, func(tab context.Context) error {
			return chromedp.Do(tab,
				chromedp.Navigate(a.srv.URL+"/leads/new"),
				chromedp.WaitVisible(chromedp.CSS(`#new-lead form`)),
				// The browser's own checks would stop these before the
				// server answers with its messages.
				chromedp.Evaluate[chromedp.Void](`document.querySelector('#new-lead form').noValidate = true;
					document.getElementById('lead-email').value = 'not an email';
					document.getElementById('lead-score').value = '500'`),
				chromedp.Click(chromedp.CSS(`[data-testid="create"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#lead-name-error`)),
			)
		}},
		{"lead with a conflict and the live notice", maria, staleSave(conflicted, func(now *lead.Lead) error {
			f := now.Fields()
			f.Notes = fmt.Sprintf("Saved by john over version %d.", now.Version())
			_, err := a.leads.Update(ctx, "john", now, f)
			return err
		}, `[data-testid="conflict-banner"]`)},
		{"lead deleted while edited", maria, staleSave(deleted, func(now *lead.Lead) error {
			_, err := a.leads.Delete(ctx, "john", now.ID(), now.Version())
			return err
		}, `[data-testid="deleted-banner"]`)},
		{"convert", maria, goTo(leadPath(qualified)+"/convert", `#convert-form`)},
		{"contacts", maria, goTo("/contacts", `[data-testid="contact-row"]`)},
		{"contact", maria, goTo(contactPath(c), `#contact-form`)},
		{"deals", maria, goTo("/deals", `[data-testid="deal-row"]`)},
		{"deal", maria, goTo(fmt.Sprintf("/deals/%d", d.ID()), `#deal-form`)},
		{"trash", maria, goTo("/trash", `[data-testid="trash"]`)},
		{"trash as admin", ann, goTo("/trash", `[data-testid="purge"]`)},
		{"admin users", ann, goTo("/admin/users", `[data-testid="users"]`)},
		{"admin tokens", ann, goTo("/admin/tokens", `[data-testid="tokens"]`)},
		{"admin audit log", ann, goTo("/admin/audit", `[data-testid="audit-entry"]`)},
		{"not found", maria, goTo("/no-such-page", `[data-testid="error"]`)},
		{"lead list, saving its view", maria, func(tab context.Context) error {
			return chromedp.Do(tab,
				chromedp.Navigate(a.srv.URL+"/leads?status=NEW"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved-view"]`)),
				chromedp.Click(chromedp.CSS(`[data-testid="save-view"] summary`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="save-view-name"]`)),
			)
		}},
		{"lead board", maria, goTo("/leads/board", `[data-testid="board-card"]`)},
		{"deal board, a refused move by its card", maria, func(tab context.Context) error {
			return chromedp.Do(tab, chromedp.Navigate(a.srv.URL+"/deals/board"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-card"]`)),
				chromedp.Evaluate[chromedp.Void](`(function () {
					var s = document.querySelector('[data-testid="board-move-to"]');
					s.innerHTML += '<option value="NOWHERE">Nowhere</option>'; s.value = 'NOWHERE';
					s.form.requestSubmit(); })()`),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="card-error"]`)))
		}},
		{"deal board, a stage gate's dialog asking for its date", maria, func(tab context.Context) error {
			return chromedp.Do(tab, chromedp.Navigate(a.srv.URL+"/deals/board"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-card"]`)),
				chromedp.Evaluate[chromedp.Void](`(function () {
					var s = document.querySelector('[data-testid="board-move-to"]');
					s.value = 'NEGOTIATION'; s.form.requestSubmit(); })()`),
				chromedp.WaitVisible(chromedp.CSS(`#board-dialog[open] [data-testid="ask-date"]`)))
		}},
		{"lead board, a conversion in its dialog", maria, func(tab context.Context) error {
			return chromedp.Do(tab, chromedp.Navigate(a.srv.URL+"/leads/board"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-convert"]`)),
				chromedp.Click(chromedp.CSS(`[data-testid="board-convert"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#board-dialog[open] #convert-form`)))
		}},
		{"saved views", maria, goTo("/views?from=status%3DNEW", `[data-testid="view-row"]`)},
		{"saved view, offered the list's view", maria, goTo(fmt.Sprintf("/views/%d?from=status%%3DNEW", mine.ID()), `[data-testid="update-view"]`)},
		{"another rep's team view", maria, goTo(fmt.Sprintf("/views/%d", team.ID()), `[data-testid="cannot-delete"]`)},
		{"new saved view with validation errors", maria, func(tab context.Context) error {
			return chromedp.Do(tab,
				chromedp.Navigate(a.srv.URL+"/views/new?from=status%3DNEW"),
				chromedp.WaitVisible(chromedp.CSS(`#new-view form`)),
				chromedp.Evaluate[chromedp.Void](`document.querySelector('#new-view form').noValidate = true;
					document.getElementById('view-query').value = 'status=WON'`),
				chromedp.Click(chromedp.CSS(`[data-testid="create"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#view-query-error`)),
			)
		}},
	}

	// The phone-sized pass also prefers a dark scheme, as many phones do:
	// the pages must read the same whatever the rep's system prefers.
	// Reduced motion ends Pico's transitions, so colours are measured
	// settled rather than halfway through a hover or focus fade.
	seen := map[string]bool{} // the looks whose focus was checked
	for _, size := range []struct {
		width, height int64
		scheme        string
	}{{1280, 800, "light"}, {390, 844, "dark"}} {
		for _, p := range pages {
			where := fmt.Sprintf("%s at %d px, %s scheme", p.name, size.width, size.scheme)
			t.Run(where, func(t *testing.T) {
				require.NoError(t, chromedp.Do(p.tab, chromedp.EmulateViewport(size.width, size.height)))
				_, err := chromedp.Call(p.tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
					{Name: "prefers-color-scheme", Value: size.scheme}, {Name: "prefers-reduced-motion", Value: "reduce"}}})
				require.NoError(t, err)
				// As if the rep's window had the focus, which only one of
				// the browser's tabs can have.
				_, err = chromedp.Call(p.tab, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
				require.NoError(t, err)
				require.NoError(t, p.open(p.tab), "opening %s", p.name)
				for _, v := range runAxe(t, p.tab, source, version) {
					var at strings.Builder
					for _, n := range v.Nodes {
						fmt.Fprintf(&at, "\n    %s\n      %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "\n      "))
					}
					t.Errorf("%s: %s (%s): %s (%s)%s", where, v.ID, v.Impact, v.Help, v.HelpURL, at.String())
				}
				for _, problem := range checkFocusShows(t, p.tab, seen) {
					t.Errorf("%s: %s", where, problem)
				}
				// The standard asks a keyboard path of every drag: a page that
				// brings one (draggable elements, or SortableJS, which marks
				// them only while dragging) must bring a check of it too.
				drags, err := chromedp.Run(p.tab, chromedp.Evaluate[bool](`document.querySelector('[draggable="true"]') !== null || 'Sortable' in window`))
				require.NoError(t, err)
				// The boards' keyboard path, each card's Move to… control and
				// the arrow keys, is TestBrowserBoardMoveByKeyboardOnly's.
				assert.Equal(t, strings.Contains(p.name, " board"), drags, "%s has a drag: check its keyboard path here", where)
			})
		}
	}
}
