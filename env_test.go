package crm_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOnlyCmdReadsTheEnvironment checks the rule the README's Configuration
// states: configuration comes from the environment, read in cmd/crm only
// and passed down from there. Test
// files and test helper packages (a directory named like pgtest) may read
// the test's own settings, such as DATABASE_URL.
func TestOnlyCmdReadsTheEnvironment(t *testing.T) {
	t.Parallel()
	readsEnv := regexp.MustCompile(`\bos\.(Getenv|LookupEnv|Environ)\(`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch {
			case d.Name() == ".git", d.Name() == "node_modules", path == "cmd", path == "functional",
				strings.HasSuffix(d.Name(), "test") && path != ".":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := readsEnv.Find(src); m != nil {
			t.Errorf("%s calls %s: only cmd/crm reads the environment; take the value as a parameter or config field and let cmd/crm pass it", path, strings.TrimSuffix(string(m), "("))
		}
		return nil
	})
	require.NoError(t, err)
}
