# issuersim: the few targets a contributor and CI need. `make help` lists them.

GO ?= go
DOCKER ?= docker
# The image's version is the simulator's (sim.Version); `make image` tags issuersim:$(VERSION) and issuersim:dev.
VERSION := $(shell sed -n 's/^const Version = "\(.*\)"$$/\1/p' sim/sim.go)

.PHONY: help generate check-generated test golden bench serve build image

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

generate: ## rewrite gen/ from openapi/ with the pinned oapi-codegen
	$(GO) generate ./gen/...

check-generated: generate ## fail when gen/ is not what openapi/ produces, or go.mod is not tidy
	@test -z "$$(git status --porcelain -- gen/)" || { echo "gen/ drifted from openapi/: run make generate and commit"; git status --short -- gen/; exit 1; }
	$(GO) mod tidy -diff

test: ## vet, race-test everything, then check gen/ and go.mod (the README's test command; CI runs it)
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(MAKE) check-generated

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
