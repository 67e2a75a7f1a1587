package crm_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goPackage is the part of `go list -json` the dependency rule reads.
type goPackage struct {
	ImportPath string
	Standard   bool
	Imports    []string // of the non-test files only
}

// layerRule says which packages a layer may depend on, directly or not.
type layerRule struct {
	layer string // import path prefix, e.g. "crm/domain"
	// allowed reports whether a package of the layer may depend on dep.
	allowed func(dep *goPackage) bool
	fix     string
}

func inside(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func insideAny(path string, prefixes ...string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return inside(path, p) })
}

// forbiddenInDomain are standard packages the domain must not reach either:
// it knows nothing of HTTP or SQL.
var forbiddenInDomain = []string{"net/http", "database/sql"}

// textModules are the modules outside the standard library the domain may
// use: golang.org/x/text holds Unicode normalization (NFC), which the
// standard library lacks and which decides when two texts are the same.
var textModules = []string{"golang.org/x/text"}

var layerRules = []layerRule{
	{
		layer: "crm/domain",
		allowed: func(dep *goPackage) bool {
			if insideAny(dep.ImportPath, forbiddenInDomain...) {
				return false
			}
			return dep.Standard || insideAny(dep.ImportPath, append([]string{"crm/domain"}, textModules...)...)
		},
		fix: "domain may import only the standard library (no net/http, no database/sql), golang.org/x/text and crm/domain/...; " +
			"move the code that needs it to infrastructure or delivery, behind an interface the use case declares",
	},
	{
		layer: "crm/usecase",
		allowed: func(dep *goPackage) bool {
			return dep.Standard || insideAny(dep.ImportPath, append([]string{"crm/domain", "crm/usecase"}, textModules...)...)
		},
		fix: "usecase may import only the standard library, golang.org/x/text, crm/domain/... and crm/usecase/...; " +
			"declare an interface in the use case and implement it in infrastructure",
	},
	{
		layer: "crm/infrastructure",
		allowed: func(dep *goPackage) bool {
			return !insideAny(dep.ImportPath, "crm/cmd", "crm/delivery")
		},
		fix: "infrastructure must not import crm/cmd/... or crm/delivery/...; cmd/crm wires them together",
	},
	{
		layer: "crm/delivery",
		allowed: func(dep *goPackage) bool {
			return !insideAny(dep.ImportPath, "crm/cmd", "crm/infrastructure")
		},
		fix: "delivery must not import crm/cmd/... or crm/infrastructure/...; " +
			"call a use case through a small interface the handler declares, and let cmd/crm wire the implementation",
	},
}

// TestDependencyRule checks that dependencies point inward:
// cmd → delivery / infrastructure → usecase → domain. It follows imports
// transitively, so a rule cannot be dodged through a helper package.
// `make lint` runs it too.
func TestDependencyRule(t *testing.T) {
	t.Parallel()
	pkgs := listPackages(t)

	checked := 0
	for _, rule := range layerRules {
		for _, p := range pkgs {
			if !inside(p.ImportPath, rule.layer) {
				continue
			}
			checked++
			for _, chain := range violations(p.ImportPath, pkgs, rule.allowed) {
				t.Errorf("%s depends on %s (%s): %s",
					p.ImportPath, chain[len(chain)-1], strings.Join(chain, " → "), rule.fix)
			}
		}
	}
	assert.NotZero(t, checked, "go list found no package under crm/domain, crm/usecase, crm/infrastructure or crm/delivery")
}

// violations walks the imports of root breadth first and returns, for each
// package it may not depend on, the shortest chain of imports leading there.
func violations(root string, pkgs map[string]*goPackage, allowed func(*goPackage) bool) [][]string {
	parent := map[string]string{root: ""}
	queue := []string{root}
	var found [][]string
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		p, ok := pkgs[cur]
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			if _, seen := parent[imp]; seen {
				continue
			}
			parent[imp] = cur
			dep, ok := pkgs[imp]
			if !ok {
				// "C" (cgo, used by package net) is no package of its own.
				dep = &goPackage{ImportPath: imp, Standard: imp == "C"}
			}
			if !allowed(dep) {
				var chain []string
				for at := imp; at != ""; at = parent[at] {
					chain = append([]string{at}, chain...)
				}
				found = append(found, chain)
				continue // one report per forbidden package is enough
			}
			queue = append(queue, imp)
		}
	}
	return found
}

// listPackages runs `go list -deps -json ./...`: every package of the module
// and everything they import, standard library included.
func listPackages(t *testing.T) map[string]*goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-json=ImportPath,Standard,Imports", "./...")
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		t.Fatalf("go list -deps -json ./... failed: %v\n%s", err, exitErr.Stderr)
	}
	require.NoError(t, err)

	pkgs := map[string]*goPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err, "decoding go list output")
		}
		pkgs[p.ImportPath] = &p
	}
	return pkgs
}

// TestDependencyRuleCatchesViolations feeds the checker a made-up graph, so
// a broken checker cannot pass a broken layout silently.
func TestDependencyRuleCatchesViolations(t *testing.T) {
	t.Parallel()
	pkgs := map[string]*goPackage{
		"crm/domain/lead":       {ImportPath: "crm/domain/lead", Imports: []string{"fmt", "crm/domain/money"}},
		"crm/domain/money":      {ImportPath: "crm/domain/money", Imports: []string{"expvar"}},
		"expvar":                {ImportPath: "expvar", Standard: true, Imports: []string{"net/http"}},
		"net/http":              {ImportPath: "net/http", Standard: true},
		"fmt":                   {ImportPath: "fmt", Standard: true},
		"crm/delivery/web":      {ImportPath: "crm/delivery/web", Imports: []string{"crm/usecase/leads", "crm/infrastructure/postgres"}},
		"crm/usecase/leads":     {ImportPath: "crm/usecase/leads", Imports: []string{"crm/domain/lead"}},
		"crm/infrastructure/pg": {ImportPath: "crm/infrastructure/postgres"},
	}
	domain := layerRules[0]
	assert.Equal(t, [][]string{{"crm/domain/lead", "crm/domain/money", "expvar", "net/http"}},
		violations("crm/domain/lead", pkgs, domain.allowed), "net/http reached through expvar must be caught")

	delivery := layerRules[3]
	assert.Equal(t, [][]string{{"crm/delivery/web", "crm/infrastructure/postgres"}},
		violations("crm/delivery/web", pkgs, delivery.allowed))

	usecase := layerRules[1]
	assert.Empty(t, violations("crm/usecase/leads", map[string]*goPackage{
		"crm/usecase/leads": pkgs["crm/usecase/leads"],
		"crm/domain/lead":   {ImportPath: "crm/domain/lead", Imports: []string{"fmt"}},
		"fmt":               pkgs["fmt"],
	}, usecase.allowed))
}
