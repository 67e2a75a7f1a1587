package crm_test

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGeneratedTemplCodeIsFresh checks that each committed *_templ.go is what
// `make generate` makes from its .templ file today, so nobody edits a view
// and forgets to regenerate (or edits the generated code by hand). templ's
// own -check compares contents; `generate -f … -stdout` is no use here, as
// it prints nothing when the generated file is newer than its source.
func TestGeneratedTemplCodeIsFresh(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "tool", "templ", "generate", "-check").CombinedOutput()
	require.NoErrorf(t, err, "generated templ code is stale: run make generate and commit the result\n%s", out)
}
