package postgres_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/imports"
	"crm/usecase/leads"
)

// leadsCSV is a file of n leads, each with every field, a tenth of them
// with the email of one of the first existing leads (updates, when asked).
func leadsCSV(n, existing int) []byte {
	var b strings.Builder
	b.WriteString("Name,Email,Company name,Phone number,Lead source,Score,Notes\n")
	for i := range n {
		email := fmt.Sprintf("lead%d@example.com", i)
		if i%10 == 0 && i/10 < existing {
			email = fmt.Sprintf("existing%d@example.com", i/10)
		}
		fmt.Fprintf(&b, "Lead %d,%s,Company %d,+44 20 7946 %04d,Fair %d,%d,\"Met at the fair, stand %d\"\n",
			i, email, i%997, i%10000, i%13, i%101, i)
	}
	return []byte(b.String())
}

// BenchmarkImport_100000Leads times a file of 100,000 leads through the
// dry run and the real run on an empty database and, with updates asked,
// on one holding 10,000 of their emails (10,000 updates through
// record.Service, 90,000 creates). It reports each part's seconds.
func BenchmarkImport_100000Leads(b *testing.B) {
	const n = 100_000
	for _, tc := range []struct {
		name     string
		existing int
	}{{"creates", 0}, {"with_10000_updates", 10_000}} {
		b.Run(tc.name, func(b *testing.B) {
			content := leadsCSV(n, tc.existing)
			var check, run time.Duration
			for range b.N {
				b.StopTimer()
				db := pgtest.New(b)
				svc := imports.NewService(imports.Leads, postgres.NewLeadImports(db.Pool), nil)
				leadSvc := leads.NewService(postgres.NewLeadRepository(db.Pool))
				for i := range tc.existing {
					_, err := leadSvc.Create(b.Context(), "seed", lead.Fields{Name: fmt.Sprintf("Old %d", i), Email: fmt.Sprintf("existing%d@example.com", i)})
					require.NoError(b, err)
				}
				b.StartTimer()

				start := time.Now()
				imp, err := svc.Upload(b.Context(), "bench", 0, "leads.csv", content)
				require.NoError(b, err)
				report, err := svc.Check(b.Context(), "bench", imp.ID, imp.Mapping, tc.existing > 0)
				require.NoError(b, err)
				require.Equal(b, n-tc.existing, report.Counts[imports.Create])
				check += time.Since(start)

				start = time.Now()
				require.NoError(b, svc.StartNow(b.Context(), imp.ID))
				require.NoError(b, svc.Run(b.Context(), imp.ID, nil))
				run += time.Since(start)

				b.StopTimer()
				report, err = svc.Report(b.Context(), imp.ID)
				require.NoError(b, err)
				require.Equal(b, n-tc.existing, report.Counts[imports.Created])
				require.Equal(b, tc.existing, report.Counts[imports.Updated])
				b.StartTimer()
			}
			b.ReportMetric(check.Seconds()/float64(b.N), "check-s")
			b.ReportMetric(run.Seconds()/float64(b.N), "run-s")
			b.ReportMetric(0, "ns/op")
		})
	}
}
