// Package crm_test holds the meta tests: the project checks its own shape.
// They read the repository and run the go tool; they need no database.
package crm_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLayout checks the top level holds what the README's Project structure
// names, so a newcomer finds every part where the README says it is.
func TestLayout(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"cmd", "domain", "usecase", "infrastructure", "delivery", "migrations", "functional", ".ci"} {
		info, err := os.Stat(dir)
		if assert.NoErrorf(t, err, "the top level must have the directory %s/ (see Project structure in README.md)", dir) {
			assert.Truef(t, info.IsDir(), "%s must be a directory", dir)
		}
	}
	for _, file := range []string{"go.mod", "go.sum", "Makefile", "docker-compose.yml", "README.md", ".ci/run"} {
		info, err := os.Stat(file)
		if assert.NoErrorf(t, err, "the top level must have the file %s", file) {
			assert.Falsef(t, info.IsDir(), "%s must be a file", file)
		}
	}
}

// TestReadmeCommandsExist checks that every `make X` and `crm X` the README
// shows in code is a Makefile target or a crm subcommand, so the README
// cannot promise a command that was renamed or removed.
func TestReadmeCommandsExist(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err, "README.md must exist at the top level")
	code := readmeCode(string(readme))

	targets := makefileTargets(t)
	makeUses := matches(code, `(?m)(?:^|[\s;&|(])make[ \t]+([a-z][a-z0-9_-]*)`)
	require.NotEmpty(t, makeUses, "README.md should show `make run` and `make test` in code")
	for _, target := range makeUses {
		assert.Containsf(t, targets, target,
			"README.md shows `make %s` but the Makefile has no such target: add it or fix the README", target)
	}

	subcommands := crmSubcommands(t)
	for _, sub := range matches(code, `(?m)(?:^|[\s/])crm[ \t]+([a-z][a-z0-9-]*)`) {
		assert.Containsf(t, subcommands, sub,
			"README.md shows `crm %s` but `crm help` lists no such command: add it to cmd/crm or fix the README", sub)
	}
}

// readmeCode returns the text inside fenced code blocks and inline code
// spans, where commands are written; prose ("make sure") is left out.
func readmeCode(md string) string {
	var code strings.Builder
	fence := regexp.MustCompile("(?ms)^```[^\n]*\n(.*?)^```")
	for _, m := range fence.FindAllStringSubmatch(md, -1) {
		code.WriteString(m[1])
		code.WriteString("\n")
	}
	prose := fence.ReplaceAllString(md, "")
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(prose, -1) {
		code.WriteString(m[1])
		code.WriteString("\n")
	}
	return code.String()
}

func matches(s, pattern string) []string {
	var out []string
	for _, m := range regexp.MustCompile(pattern).FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// makefileTargets lists the rules of the Makefile (not its variables).
func makefileTargets(t *testing.T) []string {
	t.Helper()
	mk, err := os.ReadFile("Makefile")
	require.NoError(t, err, "the Makefile must exist at the top level")
	rule := regexp.MustCompile(`(?m)^([A-Za-z0-9][A-Za-z0-9_.-]*(?:[ \t]+[A-Za-z0-9][A-Za-z0-9_.-]*)*)[ \t]*:([^=]|$)`)
	var targets []string
	for _, m := range rule.FindAllStringSubmatch(string(mk), -1) {
		targets = append(targets, strings.Fields(m[1])...)
	}
	return targets
}

// crmSubcommands builds the binary and reads the commands its help lists.
func crmSubcommands(t *testing.T) []string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crm")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/crm").CombinedOutput()
	require.NoErrorf(t, err, "go build ./cmd/crm failed:\n%s", out)
	var stdout bytes.Buffer
	cmd := exec.Command(bin, "help")
	cmd.Stdout = &stdout
	require.NoError(t, cmd.Run(), "crm help must succeed")

	_, commands, found := strings.Cut(stdout.String(), "\nCommands:\n")
	require.True(t, found, "crm help must have a Commands: section")
	commands, _, _ = strings.Cut(commands, "\n\n")
	var subs []string
	for line := range strings.SplitSeq(commands, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			subs = append(subs, f[0])
		}
	}
	return subs
}
