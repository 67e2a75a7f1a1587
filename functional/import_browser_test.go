package functional

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserAnImportsProgressBarReachesTheEndAndTheReportReplacesIt: a
// rep uploads a file of 50,000 leads, changes a column's mapping and sees
// the preview follow, checks every row, imports, watches the progress bar
// (fed by server-sent events) move to the end, and reads the report that
// replaces it; the pages fit a phone.
func TestBrowserAnImportsProgressBarReachesTheEndAndTheReportReplacesIt(t *testing.T) {
	a := newApp(t)
	// Enough rows that the import is still running when its page is drawn.
	const rows = 50_000
	var file strings.Builder
	file.WriteString("Name,Email,Company,Where we met\n")
	for i := range rows {
		switch i {
		case 7:
			file.WriteString("No Email,not-an-email,Acme,fair\n")
		default:
			fmt.Fprintf(&file, "Lead %d,lead%d@example.com,Company %d,fair\n", i, i, i%50)
		}
	}
	path := filepath.Join(t.TempDir(), "fair leads.csv")
	require.NoError(t, os.WriteFile(path, []byte(file.String()), 0o644))
	ann := a.newRep(newBrowser(t), defaultRep)

	require.NoError(t, chromedp.Do(ann,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.Click(chromedp.CSS(`[data-testid="import-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#import-file`)),
		chromedp.SetUploadFiles(`#import-file`, []string{path}),
		chromedp.Click(chromedp.CSS(`[data-testid="upload"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="mapping-form"]`)),
	))
	assert.True(t, fitsTheScreen(t, ann), "the mapping and preview fit a phone")
	label, err := chromedp.Run(ann, chromedp.Text(chromedp.CSS(`label[for="col-3"]`)))
	require.NoError(t, err)
	assert.Contains(t, label, `"Where we met"`, "each select is labelled by its column")
	assert.Contains(t, label, "e.g. fair")

	// "Where we met" is not a field anyone named: the rep maps it to Source,
	// and the preview follows without a reload.
	require.NoError(t, chromedp.Do(ann,
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('col-3'); s.value = 'source'; s.dispatchEvent(new Event('change', {bubbles: true})) })()`),
		chromedp.WaitVisible(chromedp.CSS(`#import-preview td[data-field="source"]`)),
	))
	source, err := chromedp.Run(ann, chromedp.Text(chromedp.CSS(`#import-preview td[data-field="source"]`)))
	require.NoError(t, err)
	assert.Equal(t, "fair", source)
	stayed, err := chromedp.Run(ann, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, stayed)
	shot, err := chromedp.Run(ann, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "import-mapping-phone.png"), shot, 0o644))

	require.NoError(t, chromedp.Do(ann,
		chromedp.Click(chromedp.CSS(`[data-testid="check"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="start"]`)),
	))
	toCreate, err := chromedp.Run(ann, chromedp.Text(chromedp.CSS(`[data-testid="count-create"]`)))
	require.NoError(t, err)
	assert.Equal(t, "49,999 To create", toCreate)
	invalid, err := chromedp.Run(ann, chromedp.Text(chromedp.CSS(`[data-testid="report-row"][data-line="9"]`)))
	require.NoError(t, err)
	assert.Contains(t, invalid, "Email must look like name@example.com.")
	assert.True(t, fitsTheScreen(t, ann), "the dry run's report fits a phone")

	// Import, and watch the bar: a script in every page from now on
	// records each value it shows, and each count its text says.
	_, err = chromedp.Call(ann, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchTheBar})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ann,
		chromedp.Click(chromedp.CSS(`[data-testid="start"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="count-created"]`)),
	))
	values, err := chromedp.Run(ann, chromedp.Evaluate[[][]float64](`window.barValues`))
	require.NoError(t, err)
	counts, err := chromedp.Run(ann, chromedp.Evaluate[[]string](`window.counts`))
	require.NoError(t, err)
	require.NotEmpty(t, values, "the page showed the bar")
	t.Logf("the bar showed %d values, from %v to %v", len(values), values[0], values[len(values)-1])
	assert.Less(t, values[0][0], float64(rows), "the bar started before the end: %v", values)
	assert.Equal(t, []float64{rows, rows}, values[len(values)-1], "the bar reached the end before the report replaced it: %v", values)
	for i := 1; i < len(values); i++ {
		assert.GreaterOrEqual(t, values[i][0], values[i-1][0], "the bar only moves forward: %v", values)
	}
	assert.Contains(t, counts, "50,000 of 50,000 rows imported.")

	created, err := chromedp.Run(ann, chromedp.Text(chromedp.CSS(`[data-testid="count-created"]`)))
	require.NoError(t, err)
	assert.Equal(t, "49,999 Created", created)
	focused, err := chromedp.Run(ann, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	assert.Equal(t, "import-report-title", focused, "the report's heading takes the focus when it replaces the bar")
	assert.True(t, fitsTheScreen(t, ann), "the report fits a phone")
	assert.Equal(t, rows-1, countLeads(t, a))
	shot, err = chromedp.Run(ann, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "import-report-phone.png"), shot, 0o644))
}

// watchTheBar records, in a page with an import's progress bar, each value
// and maximum the bar shows (window.barValues) and each text of its count
// (window.counts), from the moment the page is parsed.
const watchTheBar = `window.barValues = []; window.counts = [];
document.addEventListener('DOMContentLoaded', () => {
	const bar = document.getElementById('import-bar');
	const count = document.querySelector('[data-testid="import-count"]');
	if (!bar || !count) return;
	const record = () => window.barValues.push([bar.value, bar.max]);
	record();
	new MutationObserver(record).observe(bar, {attributes: true, childList: true, characterData: true, subtree: true});
	new MutationObserver(() => window.counts.push(count.textContent.trim())).observe(count, {childList: true, characterData: true, subtree: true});
});`

// fitsTheScreen reports whether rep's page is no wider than the window.
func fitsTheScreen(t *testing.T, rep context.Context) bool {
	t.Helper()
	fits, err := chromedp.Run(rep, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	require.NoError(t, err)
	return fits
}
