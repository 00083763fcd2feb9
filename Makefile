# anyevent — see README.md. Every target works on a fresh Debian machine with Go.
GO        ?= go
FUZZTIME  ?= 30s
# kqueue backends are compiled and vetted on every run (ARCHITECTURE.md decision 7).
CROSS_OS  := darwin freebsd openbsd netbsd

.PHONY: run test bench fuzz lint vet peers

# The main job on an embedded default: the tools against a local evio
# server, the keep-alive comparison and the echo comparison (scripts/run.sh).
run:
	GO=$(GO) ./scripts/run.sh
