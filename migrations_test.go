package crm_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// migrationName is golang-migrate's file name: NNNNNN_title.up.sql or .down.sql.
var migrationName = regexp.MustCompile(`^(\d+)_([a-z0-9_]+)\.(up|down)\.sql$`)

// TestMigrationsArePairedAndContiguous checks that every migration can be
// rolled back (each .up.sql has its .down.sql and the other way round) and
// that versions run 1, 2, 3… without a gap or a duplicate, so that two
// branches adding the same number collide here rather than in production.
func TestMigrationsArePairedAndContiguous(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("migrations")
	require.NoError(t, err, "the top level must have a migrations/ directory")

	type pair struct{ up, down string }
	byVersion := map[int]*pair{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		m := migrationName.FindStringSubmatch(name)
		if !assert.NotNilf(t, m, "migrations/%s: name it NNNNNN_title.up.sql or NNNNNN_title.down.sql (lowercase title, underscores)", name) {
			continue
		}
		version, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		p := byVersion[version]
		if p == nil {
			p = &pair{}
			byVersion[version] = p
		}
		slot := &p.up
		if m[3] == "down" {
			slot = &p.down
		}
		if *slot != "" {
			t.Errorf("migrations/%s and migrations/%s share version %d: renumber one of them", *slot, name, version)
			continue
		}
		*slot = name
	}
	require.NotEmpty(t, byVersion, "migrations/ holds no NNNNNN_title.up.sql file")

	versions := slices.Sorted(func(yield func(int) bool) {
		for v := range byVersion {
			if !yield(v) {
				return
			}
		}
	})
	for i, v := range versions {
		p := byVersion[v]
		if p.up == "" {
			t.Errorf("migrations/%s has no matching .up.sql: add %s", p.down, strings.Replace(p.down, ".down.sql", ".up.sql", 1))
		}
		if p.down == "" {
			t.Errorf("migrations/%s has no matching .down.sql: add %s that undoes it", p.up, strings.Replace(p.up, ".up.sql", ".down.sql", 1))
		}
		if want := i + 1; v != want {
			t.Errorf("migration versions must run 1, 2, 3… without gaps: found %s where version %d was expected",
				fmt.Sprintf("%d (%s)", v, either(p.up, p.down)), want)
		}
	}
}

func either(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
