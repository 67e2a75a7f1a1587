package crm_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedTemplCodeIsFresh checks that each committed *_templ.go is what
// `make generate` makes from its .templ file today, so nobody edits a view
// and forgets to regenerate (or edits the generated code by hand).
func TestGeneratedTemplCodeIsFresh(t *testing.T) {
	t.Parallel()
	var sources []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".templ") {
			sources = append(sources, path)
		}
		return nil
	})
	require.NoError(t, err)
	if len(sources) == 0 {
		t.Skip("no .templ file in the repository yet")
	}

	for _, src := range sources {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			// Paths relative to the repository root, as `make generate` (templ
			// generate run at the root) writes them into the generated code.
			var stdout, stderr bytes.Buffer
			cmd := exec.Command("go", "tool", "templ", "generate", "-f", filepath.ToSlash(src), "-stdout")
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoErrorf(t, cmd.Run(), "go tool templ generate -f %s failed:\n%s", src, stderr.String())

			generated := strings.TrimSuffix(src, ".templ") + "_templ.go"
			committed, err := os.ReadFile(generated)
			require.NoErrorf(t, err, "%s has no generated %s: run make generate and commit it", src, generated)
			assert.Truef(t, bytes.Equal(stdout.Bytes(), committed),
				"%s is stale: it differs from what templ generates from %s; run make generate and commit the result", generated, src)
		})
	}
}
