package functional

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newBrowser starts headless Chromium for the test, for 90 seconds at
// most. CHROMIUM names the binary; `make test` installs Debian's chromium
// when it is missing.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, 90*time.Second)
}

// newBrowserFor is newBrowser for a test that may need the browser for
// longer, up to limit.
func newBrowserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("browser tests need Chromium at %s (set CHROMIUM, or run `make test`, which installs it): %v", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.WindowSize(1200, 1400),
	)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Do(browser), "starting Chromium")
	return browser
}

// newRep opens a separate browser context (its own cookies and storage), as
// a second rep on another machine would have, and signs rep in there
// through the login page.
func (a *instance) newRep(browser context.Context, rep string) context.Context {
	t := a.t
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/login"),
		chromedp.SetValue(chromedp.CSS(`#login-email`), rep+"@example.com"),
		chromedp.SetValue(chromedp.CSS(`#login-password`), rep+testPasswordSuffix),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`)),
	), "signing in as %s", rep)
	return ctx
}

// screenshotPath is where the browser tests save what a rep sees:
// SCREENSHOT_DIR when set (`make screenshots` uses docs/screenshots),
// otherwise the test's temporary directory.
func screenshotPath(t *testing.T, name string) string {
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return filepath.Join(dir, name)
}

func TestBrowserTwoRepsSaveTheSameFieldAndTheSecondSeesTheBanner(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada) // score 70
	url := a.srv.URL + leadPath(l)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")

	for _, rep := range []context.Context{maria, john} {
		require.NoError(t, chromedp.Do(rep,
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(`#lead-form`)),
			// A marker that survives only if htmx swaps instead of reloading.
			chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		))
	}

	// Maria saves score 85 first.
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "85"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	notice, err := chromedp.Run(maria, chromedp.Text(chromedp.CSS(`[data-testid="notice"]`)))
	require.NoError(t, err)
	assert.Contains(t, notice, "now at version 2")
	mariaVersion, err := chromedp.Run(maria, chromedp.Value(chromedp.CSS(`#lead-form input[name="version"]`)))
	require.NoError(t, err)
	assert.Equal(t, "2", mariaVersion, "Maria's form moved to the version she saved")

	// John, still on version 1, saves score 60 and gets the banner.
	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "60"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	theirs, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="theirs-score"]`)))
	require.NoError(t, err)
	assert.Equal(t, "85", theirs, "the banner shows Maria's value")
	yours, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="yours-score"]`)))
	require.NoError(t, err)
	assert.Equal(t, "60", yours, "and John's")
	typed, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(`#lead-score`)))
	require.NoError(t, err)
	assert.Equal(t, "60", typed, "what John typed is still in the form")
	version, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(`#lead-form input[name="version"]`)))
	require.NoError(t, err)
	assert.Equal(t, "2", version, "the form now starts from the current version")
	swapped, err := chromedp.Run(john, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, swapped, "htmx swapped the 409 response into the page")

	// Quality 100 means PNG; below it chromedp encodes JPEG.
	shot, err := chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, "conflict-banner.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("conflict banner screenshot: %s", path)

	// John keeps his value and saves again: it lands at version 3.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	final := a.lead(l.ID())
	assert.Equal(t, 60, final.Fields().Score)
	assert.Equal(t, int64(3), final.Version())
}

func TestBrowserValidationMessageIsSwappedNextToTheField(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	rep := a.newRep(newBrowser(t), "maria")

	require.NoError(t, chromedp.Do(rep,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`#lead-form`)),
		// The browser's own checks would stop an empty name before it is
		// sent; turn them off to see the server's answer.
		chromedp.Evaluate[chromedp.Void](`document.getElementById('lead-form').noValidate = true;
			document.getElementById('lead-name').value = ''`),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#lead-name-error`)),
	))
	msg, err := chromedp.Run(rep, chromedp.Text(chromedp.CSS(`#lead-name-error`)))
	require.NoError(t, err)
	assert.Equal(t, "Name is required.", msg)
	assert.Equal(t, int64(1), a.lead(l.ID()).Version())
}
