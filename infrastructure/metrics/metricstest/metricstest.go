// Package metricstest reads what a /metrics endpoint serves, for tests that
// check a family is there or a series moved.
package metricstest

import (
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
)

// Families are the metric families of one scrape, by name.
type Families map[string]*dto.MetricFamily

// Scrape reads url, a /metrics address, in Prometheus's text format.
func Scrape(t testing.TB, url string) Families {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(res.Body)
	require.NoError(t, err)
	return fams
}

// Value sums, over the series of family name whose labels include labels,
// a counter's or a gauge's value or a histogram's count of observations.
// The test fails when no series matches.
func (f Families) Value(t testing.TB, name string, labels map[string]string) float64 {
	t.Helper()
	fam, ok := f[name]
	require.Truef(t, ok, "no family %s", name)
	var (
		sum     float64
		matched bool
	)
	for _, m := range fam.GetMetric() {
		if !hasLabels(m, labels) {
			continue
		}
		matched = true
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		}
	}
	require.Truef(t, matched, "no series of %s has the labels %v", name, labels)
	return sum
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(want)
}
