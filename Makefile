# The documented doors into the project. `make` alone lists them.
#
# Targets that need PostgreSQL get it from scripts/db.sh: DATABASE_URL if it
# is set, else `docker compose up db` if a Docker engine answers, else the
# local Debian cluster (started and given role and database crm if needed).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO    ?= go
ADDR  ?= :8080
# Where make run serves /metrics and /debug/pprof/ (never on ADDR).
METRICS_ADDR ?= 127.0.0.1:9091
LEADS ?= 500
N     ?= 1
BENCH ?= .
# Extra flags of cmd/crmbench, e.g. BENCH_FLAGS='-before docs/benchmarks-before.json'.
BENCH_FLAGS ?=
FUZZTIME ?= 4s
# The soak: how many reps (2-8) on how many hot leads, for how many trials
# at most and for how long at most (whichever comes first).
SOAK_REPS     ?= 8
SOAK_RECORDS  ?= 3
SOAK_TRIALS   ?= 30000
SOAK_DURATION ?= 10m

# Provision the database; a failure stops the recipe (set -e).
DB := url=$$(scripts/db.sh); export DATABASE_URL=$$url

.PHONY: help run test deps lint fuzz generate vendor screenshots build seed bench bench-short bench-go soak migrate-up migrate-down ha-up ha-down run-ha failover-test

help: ## list the targets
	@echo "Usage: make TARGET   (variables: ADDR=$(ADDR) METRICS_ADDR=$(METRICS_ADDR) LEADS=$(LEADS) N=$(N) BENCH=$(BENCH) FUZZTIME=$(FUZZTIME) SOAK_TRIALS=$(SOAK_TRIALS) SOAK_REPS=$(SOAK_REPS))"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: build ## provision PostgreSQL, seed LEADS demo leads, serve on ADDR, metrics on METRICS_ADDR (Ctrl-C stops)
	@$(DB); \
	bin/crm seed --leads $(LEADS); \
	echo "Open http://localhost:$$(echo '$(ADDR)' | sed 's/.*://')   (Ctrl-C stops the server)"; \
	echo "Metrics at http://$(METRICS_ADDR)/metrics, profiles at http://$(METRICS_ADDR)/debug/pprof/"; \
	ADDR='$(ADDR)' METRICS_ADDR='$(METRICS_ADDR)' exec bin/crm serve

test: deps ## provision PostgreSQL, run every test with the race detector, then lint
	@$(DB); \
	echo "go test -race -count=1 ./...   (DATABASE_URL=$$(echo "$$url" | sed 's#://\([^:/@]*\):[^@]*@#://\1:***@#'))"; \
	$(GO) test -race -count=1 ./...
	@$(MAKE) fuzz
	@$(MAKE) lint

fuzz: ## run every fuzz target for FUZZTIME (after its committed corpus)
	@FUZZTIME='$(FUZZTIME)' GO='$(GO)' scripts/fuzz.sh

deps: ## install Chromium for the browser tests when it is missing (as root, with apt-get)
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests in functional/ ..."; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		/usr/bin/chromium --version; \
	else \
		echo "The browser tests in functional/ need Chromium at /usr/bin/chromium."; \
		echo "Install it (Debian/Ubuntu: sudo apt-get install chromium), or run make test as root to have it installed."; \
	fi

lint: ## gofmt, go vet, staticcheck and the dependency rule
	@echo "gofmt -l"; \
	unformatted=$$(find . -name '*.go' -not -path './.git/*' -not -path '*/node_modules/*' -print0 | xargs -0 gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "These files are not gofmt-formatted (run gofmt -w on them):"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) test -count=1 -run '^TestDependencyRule' .

generate: ## regenerate the templ views (*_templ.go); commit the result
	$(GO) tool templ generate

vendor: ## refresh the npm packages: htmx, Pico and SortableJS (served, delivery/web/static/vendor), axe-core (tests only, functional/testdata/axe)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	mkdir "$$tmp/static" "$$tmp/axe"; \
	cp delivery/web/static/package.json "$$tmp/static/"; \
	cp functional/testdata/axe/package.json "$$tmp/axe/"; \
	(cd "$$tmp/static" && npm install --no-audit --no-fund --ignore-scripts --silent); \
	(cd "$$tmp/axe" && npm install --no-audit --no-fund --ignore-scripts --silent); \
	cp "$$tmp/static/node_modules/htmx.org/dist/htmx.min.js" delivery/web/static/vendor/; \
	cp "$$tmp/static/node_modules/@picocss/pico/css/pico.min.css" delivery/web/static/vendor/; \
	cp "$$tmp/static/node_modules/sortablejs/Sortable.min.js" delivery/web/static/vendor/; \
	cp "$$tmp/axe/node_modules/axe-core/"{axe.min.js,LICENSE,LICENSE-3RD-PARTY.txt} functional/testdata/axe/; \
	echo "Vendored htmx.org, @picocss/pico and sortablejs into delivery/web/static/vendor,"; \
	echo "and axe-core (for the accessibility test only) into functional/testdata/axe; commit the result."

screenshots: deps ## re-run the browser tests, saving what reps see into docs/screenshots
	@$(DB); SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestBrowser' ./functional/

build: ## build the binary into bin/crm
	$(GO) build -o bin/crm ./cmd/crm

seed: build ## provision PostgreSQL and bring it up to at least LEADS leads
	@$(DB); bin/crm seed --leads $(LEADS)

soak: deps ## provision PostgreSQL and run the randomized checker of "nothing is lost" at length (SOAK_*)
	@$(DB); SOAK_REPS=$(SOAK_REPS) SOAK_RECORDS=$(SOAK_RECORDS) SOAK_TRIALS=$(SOAK_TRIALS) SOAK_DURATION=$(SOAK_DURATION) \
		$(GO) test -count=1 -timeout 30m -run '^TestSoak$$' -v ./functional/ | grep -E '^(\s+soak_test|---|ok|FAIL|PASS)'

bench: build ## provision PostgreSQL and measure saves and pages against raw SQL at 1,000,000 leads; writes docs/benchmarks.md
	@$(DB); $(GO) run ./cmd/crmbench $(BENCH_FLAGS)

bench-short: build ## the same in about a minute, on 20,000 leads (a quick look; writes nothing to docs/)
	@$(DB); $(GO) run ./cmd/crmbench -short -out '' $(BENCH_FLAGS)

bench-go: ## provision PostgreSQL and run the Go benchmarks matching BENCH
	@$(DB); $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem ./...

migrate-up: build ## provision PostgreSQL and apply every pending migration
	@$(DB); bin/crm migrate up

migrate-down: build ## provision PostgreSQL and roll back the last N migrations
	@$(DB); bin/crm migrate down $(N)

ha-up: ## start a local pg_auto_failover monitor, primary and synchronous secondary (ports 6000-6002) and print the multi-host URL; HA_FAST=1 fails over in about 20 s instead of 50 s
	@scripts/ha.sh up

ha-down: ## stop the local HA pair and its monitor and delete their data
	@scripts/ha.sh down

run-ha: build ## serve on ADDR from the local HA pair (make ha-up first), following the primary through failovers
	@url=$$(scripts/ha.sh url); \
	DATABASE_URL=$$url bin/crm seed --leads $(LEADS); \
	echo "Open http://localhost:$$(echo '$(ADDR)' | sed 's/.*://')   (DATABASE_URL=$$url; Ctrl-C stops the server)"; \
	DATABASE_URL=$$url ADDR='$(ADDR)' METRICS_ADDR='$(METRICS_ADDR)' exec bin/crm serve

failover-test: ## two app instances on a fresh HA pair, the soak's checker through both, the primary killed twice: nothing acknowledged may be lost
	@GO='$(GO)' scripts/failover-test.sh
