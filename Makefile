# issuersim: the few targets a contributor and CI need. `make help` lists them.

GO ?= go
DOCKER ?= docker
# The image's version is the simulator's (sim.Version); `make image` tags issuersim:$(VERSION) and issuersim:dev.
VERSION := $(shell sed -n 's/^const Version = "\(.*\)"$$/\1/p' sim/sim.go)

.PHONY: help generate check-generated test test-module test-container fuzz bdd-container golden bench serve build image load test-postgres bdd-postgres

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

generate: ## rewrite gen/ (and the testcontainers module's copy of the admin client) from openapi/ with the pinned oapi-codegen
	$(GO) generate ./gen/...
	cd testcontainer && $(GO) generate ./...

check-generated: generate ## fail when gen/ is not what openapi/ produces, or go.mod is not tidy
	@test -z "$$(git status --porcelain -- gen/ testcontainer/simadminclient/)" || { echo "gen/ drifted from openapi/: run make generate and commit"; git status --short -- gen/ testcontainer/simadminclient/; exit 1; }
	$(GO) mod tidy -diff
	cd testcontainer && $(GO) mod tidy -diff

test: ## the whole suite (the README's test command; CI runs it): vet, race tests, the testcontainers module, the PostgreSQL tests, gen/ and go.mod drift, every fuzz target for FUZZTIME, the Gherkin suite against `serve` and against the image
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(MAKE) test-module
	$(MAKE) test-postgres
	$(MAKE) check-generated
	$(MAKE) fuzz
	$(MAKE) bdd-serve
	$(MAKE) test-container

# test-container runs bdd-container when a Docker engine answers, and otherwise says so in one line and passes,
# unless CI=true (.ci/with-docker starts an engine there).
test-container:
	@if $(DOCKER) info >/dev/null 2>&1; then $(MAKE) bdd-container; \
	elif [ "$$CI" = true ]; then echo "no Docker engine answers: CI runs the Gherkin suite against the image (.ci/with-docker starts one)"; exit 1; \
	else echo "Gherkin suite against the image skipped: no Docker engine answers (.ci/with-docker make test starts one)"; fi

# testcontainer/ is a Go module of its own, which ./... does not enter. Its tests run in local directory mode
# so that their one skip line shows; Ryuk is off as no registry serves its image, and every test terminates
# what it starts.
test-module: ## vet and race-test the testcontainers module: it builds the image and runs it (skipped, with one line, without a Docker engine)
	cd testcontainer && $(GO) vet ./...
	cd testcontainer/issuersim && TESTCONTAINERS_RYUK_DISABLED=$${TESTCONTAINERS_RYUK_DISABLED:-true} $(GO) test -race -count=1 -timeout 10m

# Every FuzzXxx in the module (not the testcontainers one), one at a time, each for FUZZTIME; its seeds and the
# committed corpus in the package's testdata/fuzz/FuzzXxx run first, and a failing input is written there.
FUZZTIME ?= 10s

fuzz: ## run every fuzz target for FUZZTIME each (10s by default; CI runs it after the tests)
	@set -e; for file in $$(grep -rl --include='*_test.go' '^func Fuzz' cmd sim); do \
	  dir=./$$(dirname $$file); \
	  for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
	    echo "fuzz $$target in $$dir for $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$dir; \
	  done; \
	done

# The image serves on 0.0.0.0 in its container, so its admin API needs a token; the suite sends this one.
BDD_ADMIN_TOKEN ?= bdd-container-admin-token

bdd-container: image ## run the Gherkin suite against the image (seed 1, virtual clock), then remove the container
	@id=$$($(DOCKER) run -d -p 127.0.0.1::8080 -e ISSUERSIM_SEED=1 -e ISSUERSIM_CLOCK=2026-01-01T00:00:00Z -e ISSUERSIM_ADMIN_TOKEN=$(BDD_ADMIN_TOKEN) issuersim:dev) || exit 1; \
	trap '$(DOCKER) rm -f '$$id' >/dev/null' EXIT; \
	for i in $$(seq 60); do [ "$$($(DOCKER) inspect -f '{{.State.Health.Status}}' $$id)" = healthy ] && break; sleep 0.5; done; \
	[ "$$($(DOCKER) inspect -f '{{.State.Health.Status}}' $$id)" = healthy ] || { echo "the container is not healthy after 30 s"; $(DOCKER) logs $$id; exit 1; }; \
	url=http://$$($(DOCKER) port $$id 8080/tcp | head -n 1); echo "features against $$url (container $$id)"; \
	gw=$$($(DOCKER) network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}'); \
	echo "webhook endpoints on the bridge's gateway $$gw, which the container reaches"; \
	ISSUERSIM_URL=$$url ISSUERSIM_ADMIN_TOKEN=$(BDD_ADMIN_TOKEN) ISSUERSIM_RECEIVER_HOST=$$gw $(GO) test -count=1 -timeout 10m ./features

golden: ## rewrite fixtures/events/ from the built flows (review the diff before committing)
	$(GO) test ./sim -run TestGoldenEvents -count=1 -update

bench: ## run the benchmarks (figures go in docs/performance.md)
	$(GO) test -run '^$$' -bench . -benchmem ./...

build: ## build the binary into ./issuersim
	CGO_ENABLED=0 $(GO) build -trimpath -o issuersim ./cmd/issuersim

serve: ## run the simulator on 127.0.0.1:8080 with the embedded fixtures
	$(GO) run ./cmd/issuersim serve

image: ## build the static binary and the FROM scratch image issuersim:$(VERSION) (also tagged issuersim:dev)
	@mkdir -p bin/image
	CGO_ENABLED=0 GOOS=linux $(GO) build -trimpath -ldflags='-s -w' -o bin/image/issuersim ./cmd/issuersim
	cp Dockerfile bin/image/Dockerfile
	$(DOCKER) build -q --label org.opencontainers.image.version=$(VERSION) -t issuersim:$(VERSION) -t issuersim:dev bin/image

load: build ## side-by-side load run of issuersim and a bare net/http handler (docs/performance.md)
	$(GO) run ./cmd/loadrun -bin ./issuersim

# The PostgreSQL backend's conformance, determinism, replica and restart tests run within `go test ./...` when
# ISSUERSIM_TEST_POSTGRES names a database (.ci/with-postgres starts a throwaway one); this target adds the
# end-to-end suites on that backend. Without a database it prints one line and passes, unless CI=true.
test-postgres: ## the end-to-end tests on the PostgreSQL backend: the sim package's HTTP tests, then the Gherkin suite against the binary (needs ISSUERSIM_TEST_POSTGRES)
	@if [ -z "$$ISSUERSIM_TEST_POSTGRES" ]; then \
	  if [ "$$CI" = true ]; then echo "ISSUERSIM_TEST_POSTGRES is not set: CI runs the PostgreSQL tests (.ci/with-postgres starts a server)"; exit 1; fi; \
	  echo "PostgreSQL end-to-end tests skipped: set ISSUERSIM_TEST_POSTGRES=postgres://… (or run .ci/with-postgres make test)"; exit 0; \
	fi; \
	ISSUERSIM_TEST_STORE=postgres $(GO) test -race -count=1 -timeout 20m ./sim && $(MAKE) bdd-postgres

bdd-postgres: build ## run the Gherkin suite against the binary serving from a fresh schema of ISSUERSIM_TEST_POSTGRES, then stop it
	.ci/bdd-postgres ./issuersim

# The Gherkin suite's own targets. Reports go to bin/reports/; go test runs in features/, so their paths are
# absolute.
.PHONY: bdd bdd-serve coverage
REPORTS := $(CURDIR)/bin/reports

bdd: ## run the Gherkin suite in-process: pretty output, bin/reports/cucumber.json and bin/reports/junit.xml
	@mkdir -p $(REPORTS)
	$(GO) test -count=1 -timeout 10m ./features -godog.format pretty,cucumber:$(REPORTS)/cucumber.json,junit:$(REPORTS)/junit.xml

bdd-serve: ## build the binary, start `issuersim serve` on a free port (virtual clock), run the Gherkin suite against it through ISSUERSIM_URL, stop it, then report coverage from that run
	@mkdir -p $(REPORTS)
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/issuersim ./cmd/issuersim
	@log=$$(mktemp /tmp/issuersim-serve.XXXXXX.log); \
	bin/issuersim serve --addr 127.0.0.1:0 --clock 2026-01-01T00:00:00Z >$$log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -f '$$log EXIT; \
	url=""; for i in $$(seq 100); do url=$$(sed -n 's/^issuersim .* serving on \(http:[^ ]*\).*/\1/p' $$log); [ -n "$$url" ] && break; sleep 0.1; done; \
	[ -n "$$url" ] || { echo "issuersim serve did not start within 10 s:"; cat $$log; exit 1; }; \
	echo "features against $$url (issuersim serve, pid $$pid)"; \
	ISSUERSIM_URL=$$url $(GO) test -count=1 -timeout 10m ./features -godog.format progress,cucumber:$(REPORTS)/serve-cucumber.json,junit:$(REPORTS)/serve-junit.xml || exit 1; \
	bin/issuersim coverage --results $(REPORTS)/serve-cucumber.json

coverage: ## list every seed 000 row and D1 operation with the scenarios that prove it; fails on one without (RESULTS=report.json counts only scenarios that passed in it)
	$(GO) run ./cmd/issuersim coverage $(if $(RESULTS),--results $(RESULTS))
