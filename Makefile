# anyevent — see README.md. Every target works on a fresh Debian machine with Go.
GO        ?= go
FUZZTIME  ?= 30s
# kqueue backends are compiled and vetted on every run (ARCHITECTURE.md decision 7).
CROSS_OS  := darwin freebsd openbsd netbsd
# A 32-bit build catches constants and conversions that only fit 64-bit ints.
CROSS_ARCH := 386

# Each target declares itself phony next to its rule: a rule deleted by
# mistake then makes "make TARGET" fail instead of doing nothing.

# The main job on an embedded default: the tools against a local evio
# server, the keep-alive comparison and the echo comparison (scripts/run.sh).
.PHONY: run
run:
	GO=$(GO) ./scripts/run.sh

.PHONY: test
test: peers vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) test -race -count=1 ./...
	cd bench && $(GO) vet ./... && $(GO) test -count=1 ./...

.PHONY: peers
peers:
	@./scripts/install-peers.sh

.PHONY: vet
vet:
	$(GO) vet ./...
	@for os in $(CROSS_OS); do echo "GOOS=$$os go vet ./..."; GOOS=$$os $(GO) vet ./... || exit 1; done
	@for arch in $(CROSS_ARCH); do echo "GOARCH=$$arch go vet ./..."; GOARCH=$$arch $(GO) vet ./... || exit 1; done

.PHONY: lint
lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

.PHONY: bench
bench:
	./scripts/bench.sh

.PHONY: fuzz
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)
