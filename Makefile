# anyevent — see README.md. Every target works on a fresh Debian machine with Go.
GO        ?= go
FUZZTIME  ?= 30s
# kqueue backends are compiled and vetted on every run (ARCHITECTURE.md decision 7).
CROSS_OS  := darwin freebsd openbsd netbsd

.PHONY: run test bench fuzz lint vet peers

# The main job until the HTTP tools land: the echo comparison (loop.Handle vs
# goroutine-per-conn net) and 10k idle connections held by one loop.
run:
	cd bench && $(GO) run ./cmd/echobench -conns 1,64,1024 -messages 5000 -duration 5s
	cd bench && $(GO) run ./cmd/idleconns -n 10000

test: peers vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) test -race -count=1 ./...
	cd bench && $(GO) vet ./... && $(GO) test -count=1 ./...

peers:
	@./scripts/install-peers.sh

vet:
	$(GO) vet ./...
	@for os in $(CROSS_OS); do echo "GOOS=$$os go vet ./..."; GOOS=$$os $(GO) vet ./... || exit 1; done

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@2025.1.1 ./...

bench:
	./scripts/bench.sh

fuzz:
	./scripts/fuzz.sh $(FUZZTIME)
