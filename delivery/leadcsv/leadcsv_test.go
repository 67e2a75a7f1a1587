package leadcsv_test

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/leadcsv"
	"crm/domain"
	"crm/domain/lead"
)

func TestSafeKeepsSpreadsheetsFromRunningCells(t *testing.T) {
	for cell, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+44 20 7946 0000":         "'+44 20 7946 0000",
		"-2+3":                     "'-2+3",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"Ada = Lovelace":           "Ada = Lovelace",
		"":                         "",
		"ünïcode":                  "ünïcode",
	} {
		assert.Equal(t, want, leadcsv.Safe(cell), "%q", cell)
	}
}

func leads(t *testing.T, n int) []*lead.Lead {
	var out []*lead.Lead
	for i := range n {
		l, err := lead.New(lead.Fields{Name: "=cmd|' /C calc'!A0", Email: "ada@example.com", Notes: "line one\nline \"two\", with a comma", Score: i % 100}, "ana")
		require.NoError(t, err)
		l.Stamp(domain.Meta{ID: int64(i + 1), Version: 1})
		out = append(out, l)
	}
	return out
}

func TestServeStreamsAHeaderAndOneSafeRowPerLead(t *testing.T) {
	all := leads(t, 2500)
	rec := httptest.NewRecorder()
	err := leadcsv.Serve(rec, get(), "leads", time.Minute, func(_ context.Context, fn func(*lead.Lead) error) error {
		for _, l := range all {
			if err := fn(l); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Header().Get("Content-Disposition"), `attachment; filename="leads-`)
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	require.NoError(t, err, "the file is CSV a reader parses back")
	require.Len(t, rows, 2501)
	assert.Equal(t, leadcsv.Header, rows[0])
	assert.Equal(t, "'=cmd|' /C calc'!A0", rows[1][1], "formula defused")
	assert.Equal(t, "line one\nline \"two\", with a comma", rows[1][9], "quotes, commas and newlines survive")
	assert.Equal(t, "2500", rows[2500][0])
}

func TestServeAnswersAnEmptyViewWithTheHeaderAlone(t *testing.T) {
	rec := httptest.NewRecorder()
	require.NoError(t, leadcsv.Serve(rec, get(), "leads", time.Minute, func(context.Context, func(*lead.Lead) error) error { return nil }))
	assert.Equal(t, strings.Join(leadcsv.Header, ",")+"\n", rec.Body.String())
}

func TestServeLeavesAnErrorBeforeTheFirstRowToTheCaller(t *testing.T) {
	rec := httptest.NewRecorder()
	down := errors.New("database down")
	err := leadcsv.Serve(rec, get(), "leads", time.Minute, func(context.Context, func(*lead.Lead) error) error { return down })
	assert.Same(t, down, err)
	assert.Empty(t, rec.Header().Get("Content-Type"), "nothing sent: the caller answers the error")
	assert.Zero(t, rec.Body.Len())
}

func TestServeGivesUpWhenTheFirstRowIsLate(t *testing.T) {
	rec := httptest.NewRecorder()
	err := leadcsv.Serve(rec, get(), "leads", 20*time.Millisecond, func(ctx context.Context, fn func(*lead.Lead) error) error {
		<-ctx.Done() // a frozen database, until the export gives up
		return ctx.Err()
	})
	assert.ErrorIs(t, err, domain.ErrUnavailable, "a 503, as for a page")
	assert.Zero(t, rec.Body.Len())
}

func get() *http.Request { return httptest.NewRequest(http.MethodGet, "/leads.csv", nil) }

func TestServeBreaksADownloadThatFailsMidWay(t *testing.T) {
	all := leads(t, 3000)
	rec := httptest.NewRecorder()
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() {
		_ = leadcsv.Serve(rec, get(), "leads", time.Minute, func(_ context.Context, fn func(*lead.Lead) error) error {
			for _, l := range all[:2000] {
				if err := fn(l); err != nil {
					return err
				}
			}
			return errors.New("connection lost")
		})
	}, "a file cut short must not look complete")
}
