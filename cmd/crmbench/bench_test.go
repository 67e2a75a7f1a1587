package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/postgres/pgtest"
)

// TestBenchMeasuresEveryPathAndWritesItsReport is make bench in
// miniature: a thousand leads, a fifth of a second per measurement. It
// checks the bench works (every measurement made, none failing, the report
// and its chart written), not how fast anything is.
func TestBenchMeasuresEveryPathAndWritesItsReport(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the app five times")
	}
	db := pgtest.New(t)
	dir := t.TempDir()
	app := filepath.Join(dir, "crm")
	build := exec.Command("go", "build", "-o", app, "crm/cmd/crm")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run(), "build the app")

	o, err := parseOptions([]string{"-app", app, "-leads", "1000", "-levels", "1", "-hot", "3",
		"-duration", "200ms", "-warmup", "50ms", "-out", filepath.Join(dir, "benchmarks.md"), "-label", "test",
		"-database", databaseName(t, db.URL)}, func(string) string { return db.URL })
	require.NoError(t, err)
	var out, log bytes.Buffer
	require.NoError(t, run(t.Context(), o, &out, &log), log.String())

	rep, err := readReport(filepath.Join(dir, "benchmarks.json"))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, rep.Leads, 1000)
	seen := map[string]bool{}
	for _, m := range rep.Measurements {
		seen[m.Name+"/"+m.Series] = true
		assert.Positive(t, m.Ops, "%s %s at %d clients did nothing", m.Name, m.Series, m.Clients)
		assert.Zero(t, m.Errors, "%s %s at %d clients: %s", m.Name, m.Series, m.Clients, m.FirstError)
	}
	for _, want := range []string{
		saveRandom + "/" + seriesRaw, saveRandom + "/" + seriesRawApp, saveRandom + "/" + seriesAPI, saveRandom + "/" + seriesPage,
		saveHot + "/" + seriesAPI, saveHot + "/" + seriesPage,
		mixHot + "/" + seriesOptimistic, mixHot + "/" + seriesPessimistic,
		notices + "/" + seriesNoticesOn, notices + "/" + seriesNoticesOff,
		readPages + "/lead page", readPages + "/search", readPages + "/search, 1–2 characters", readPages + "/deep page",
		readPages + "/sorted", readPages + "/filtered", readPages + "/deep sorted page", readPages + "/contacts and deals",
		readPages + "/lead board", readPages + "/searched lead board", readPages + "/deal board",
	} {
		assert.True(t, seen[want], "no measurement of %s", want)
	}
	_, at1 := rep.find(saveRandom, seriesRaw, 1)
	_, at32 := rep.find(saveRandom, seriesAPI, 32)
	assert.True(t, at1 && at32, "the sweep runs the levels asked for and always 8 and 32")
	assert.Positive(t, rep.Memory.PeakRSS)
	assert.Positive(t, rep.Memory.Goroutines, "read from the app's /metrics")
	assert.Positive(t, rep.Updates, "the save runs' updates are counted")
	assert.LessOrEqual(t, rep.HOTUpdates, rep.Updates)

	md, err := os.ReadFile(filepath.Join(dir, "benchmarks.md"))
	require.NoError(t, err)
	for _, tg := range targets {
		assert.Contains(t, string(md), tg.what)
	}
	svg, err := os.ReadFile(filepath.Join(dir, "benchmarks.svg"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(svg), "<svg") && strings.Contains(string(svg), "<polyline"), "the chart draws its lines")
	assert.Contains(t, out.String(), "API save / raw SQL", "the table is printed")
}

// TestBenchRunsOnlyAgainstThisMachine: the bench floods what it measures.
func TestBenchRunsOnlyAgainstThisMachine(t *testing.T) {
	for _, url := range []string{
		"postgres://crm:crm@127.0.0.1:5432/crm", "postgres://crm:crm@localhost/crm", "postgres://crm@[::1]:5432/crm",
		"postgres:///crm?host=/var/run/postgresql",
	} {
		assert.NoError(t, onThisMachine(url), url)
	}
	for _, url := range []string{
		"postgres://crm:crm@db.example.com:5432/crm", "postgres://crm:crm@10.0.0.5/crm",
		"postgres://crm:crm@127.0.0.1,db.example.com/crm",
	} {
		assert.Error(t, onThisMachine(url), url)
	}
}

func databaseName(t *testing.T, url string) string {
	t.Helper()
	i := strings.LastIndex(url, "/")
	name, _, _ := strings.Cut(url[i+1:], "?")
	require.NotEmpty(t, name)
	return name
}

// The measurements of the test above are short; make sure the defaults of
// a real run are not.
func TestBenchDefaults(t *testing.T) {
	o, err := parseOptions(nil, func(string) string { return "postgres://crm:crm@127.0.0.1/crm" })
	require.NoError(t, err)
	assert.Equal(t, 1_000_000, o.leads)
	assert.Equal(t, "crm_bench", o.database)
	assert.Equal(t, 5*time.Second, o.duration)
	assert.Equal(t, "docs/benchmarks.json", o.results)

	o, err = parseOptions([]string{"-short"}, func(string) string { return "postgres://crm:crm@127.0.0.1/crm" })
	require.NoError(t, err)
	assert.Equal(t, "crm_bench_short", o.database, "a quick look never mixes with the full run's database")
	assert.Equal(t, []int{8, 32}, o.levels)

	_, err = parseOptions(nil, func(string) string { return "" })
	assert.ErrorContains(t, err, "DATABASE_URL")
}

// The pages a rep reads are measured at 8 clients unless more levels are
// asked for, and -pages names only pages the bench reads.
func TestBenchReadOptions(t *testing.T) {
	url := func(string) string { return "postgres://crm:crm@127.0.0.1/crm" }
	o, err := parseOptions(nil, url)
	require.NoError(t, err)
	assert.Equal(t, []int{8}, o.readLevels)
	assert.Nil(t, o.pages, "every page by default")

	o, err = parseOptions([]string{"-read-levels", "1,8", "-pages", "dashboard, lead board"}, url)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 8}, o.readLevels)
	assert.Equal(t, []string{"dashboard", "lead board"}, o.pages)

	_, err = parseOptions([]string{"-pages", "dashbord"}, url)
	assert.ErrorContains(t, err, `"dashbord" is not one of`)
	_, err = parseOptions([]string{"-read-levels", "0"}, url)
	assert.ErrorContains(t, err, "-read-levels")
}
