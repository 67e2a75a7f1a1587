package functional

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"crm/cmd/crm/app"
	"crm/infrastructure/password"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// TestFailover is the soak's checker run through two app instances on a
// pg_auto_failover pair while the primary dies: `make failover-test`
// (scripts/failover-test.sh) starts the pair and two `crm serve` and runs
// this with FAILOVER_APPS (their base URLs), DATABASE_URL (the pair's
// multi-host URL) and FAILOVER_HA (scripts/ha.sh). After a warm-up the
// primary is killed with SIGKILL (pg_autoctl and postgres), the monitor
// promotes the secondary, the old primary is started again and rejoins
// as a standby; then the same the other way round. Every acknowledged
// write must be in the history, and every version must come from one
// acknowledged write or from one whose answer said it may have landed.
func TestFailover(t *testing.T) {
	apps := os.Getenv("FAILOVER_APPS")
	if apps == "" {
		t.Skip("make failover-test runs this against two crm serve on a pg_auto_failover pair")
	}
	ha := os.Getenv("FAILOVER_HA")
	require.NotEmpty(t, ha, "FAILOVER_HA names scripts/ha.sh")
	databaseURL := os.Getenv("DATABASE_URL")
	pool, err := postgres.Connect(t.Context(), databaseURL, postgres.ServingTimeouts)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	// The services only, to set up reps and leads and read versions as
	// stored; the requests go to the two servers.
	crm := app.New(pool, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Hasher: password.Bcrypt{Cost: bcrypt.MinCost}})
	var vias []*instance
	for u := range strings.SplitSeq(apps, ",") {
		vias = append(vias, &instance{t: t, srv: &httptest.Server{URL: u}})
	}
	a := &instance{t: t, db: &pgtest.DB{Pool: pool, URL: databaseURL}, leads: crm.Leads, auth: crm.Auth, srv: vias[0].srv}

	cfg := soakConfig{trials: 1 << 30, reps: 4, records: 3, duration: 10 * time.Minute}
	cfg.fromEnv(t)
	warmup := 15 * time.Second
	var rounds []failoverRound
	s := runSoak(t, a, cfg, vias, func(s *soak) {
		time.Sleep(warmup)
		for range 2 {
			rounds = append(rounds, failOver(t, s, ha))
		}
		time.Sleep(warmup)
	})

	for i, r := range rounds {
		t.Logf("failover %d: killed node %d at %s; node %d promoted after %s (seen at %s); no write acknowledged for %s (the longest gap between two, from the last before the kill to the first after the promotion); the killed node rejoined as standby %s after it was started",
			i+1, r.killed, r.killedAt.Format("15:04:05.000"), 3-r.killed, r.promoted.Round(100*time.Millisecond), r.promotedAt.Format("15:04:05.000"),
			r.noWrites.Round(100*time.Millisecond), r.rejoined.Round(100*time.Millisecond))
	}
	t.Logf("failover: %d acknowledged writes, lost %d, duplicates %d; 503 %d (%d said nothing was saved, %d said it may have landed, of which %d had)",
		len(s.acks), s.count("lost"), s.count("duplicate"), s.count("503 nothing saved")+s.count("503 unknown"),
		s.count("503 nothing saved"), s.count("503 unknown"), s.count("503 unknown, landed"))
	t.Logf("failover: answers by status: 200 %d, 409 %d, 410 %d, 412 %d, 422 %d, 503 %d",
		len(s.acks)+s.count("nothing"), s.count("409")+s.count("409 deleted"), s.count("410"), s.count("412"), s.count("422"),
		s.count("503 nothing saved")+s.count("503 unknown"))
	require.Len(t, rounds, 2)
	require.Zero(t, s.count("lost"), "acknowledged writes lost")
	require.Zero(t, s.count("duplicate"), "versions acknowledged twice")
}

// failoverRound is what one failover took.
type failoverRound struct {
	killed int
	// promoted is from the kill to the monitor reporting the other node
	// primary; noWrites from the last write acknowledged before the kill
	// to the first after it; rejoined from starting the killed node again
	// to it streaming as a secondary.
	promoted, noWrites, rejoined time.Duration
	// killedAt and promotedAt place a failure the checker reports (each
	// write's time is in its message) against the failover.
	killedAt, promotedAt time.Time
}

// failOver kills the primary, waits for the promotion and for writes to
// flow again, then brings the killed node back as a standby.
func failOver(t *testing.T, s *soak, ha string) failoverRound {
	run := func(args ...string) string {
		out, err := exec.Command(ha, args...).Output()
		var exit *exec.ExitError
		if err != nil && errors.As(err, &exit) {
			t.Fatalf("%s %v: %v: %s", ha, args, err, exit.Stderr)
		}
		require.NoError(t, err, "%s %v", ha, args)
		return strings.TrimSpace(string(out))
	}
	var r failoverRound
	_, err := fmt.Sscan(run("primary"), &r.killed)
	require.NoError(t, err)
	killedAt := time.Now()
	run("kill", fmt.Sprint(r.killed))
	run("wait-primary", fmt.Sprint(3-r.killed))
	r.promoted = time.Since(killedAt)
	promotedAt := time.Now()
	r.killedAt, r.promotedAt = killedAt, promotedAt
	// Answers to writes committed before the kill may arrive just after
	// it: the gap is the longest between two acknowledged writes from the
	// last before the kill to the first after the promotion.
	for {
		s.mu.Lock()
		at := slices.Clone(s.ackedAt)
		s.mu.Unlock()
		from, _ := slices.BinarySearchFunc(at, killedAt, func(a, b time.Time) int { return a.Compare(b) })
		to, _ := slices.BinarySearchFunc(at, promotedAt, func(a, b time.Time) int { return a.Compare(b) })
		if from > 0 && to < len(at) {
			for i := from; i <= to; i++ {
				r.noWrites = max(r.noWrites, at[i].Sub(at[i-1]))
			}
			break
		}
		require.Less(t, time.Since(killedAt), 3*time.Minute, "no write was acknowledged after the failover")
		time.Sleep(50 * time.Millisecond)
	}
	started := time.Now()
	run("start", fmt.Sprint(r.killed))
	run("wait-secondary", fmt.Sprint(r.killed))
	r.rejoined = time.Since(started)
	return r
}
