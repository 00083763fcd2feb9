#!/usr/bin/env bash
# make run: the main job on an embedded default, all on loopback, bounded
# to about a minute. Builds the tools, starts the evio peer server, fetches
# from it with aehttp (a traced request, then the conformance dump of two
# requests on one kept-alive connection), load-tests it with httpbench
# (httpc against net/http, fasthttp and, when installed, wrk; CPU per
# request), and ends with the echo comparison of loop.Handle against a
# goroutine-per-connection net server.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
bin=$(mktemp -d "${TMPDIR:-/tmp}/anyevent-run.XXXXXX")
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	rm -rf "$bin"
}
trap cleanup EXIT

echo "== building aehttp, aedns, evioserver, httpbench, echobench"
$GO build -o "$bin/" ./cmd/aehttp ./cmd/aedns
(cd bench && $GO build -o "$bin/" ./cmd/evioserver ./cmd/httpbench ./cmd/echobench)

"$bin/evioserver" -addr 127.0.0.1:0 >"$bin/evio.log" 2>&1 &
srv=$!
addr=
for _ in $(seq 100); do
	addr=$(awk '/^listening on/ { print $3 }' "$bin/evio.log")
	[ -n "$addr" ] && break
	sleep 0.05
done
[ -n "$addr" ] || { echo "run: evioserver did not start:"; cat "$bin/evio.log"; exit 1; } >&2
echo "== evio server on $addr"

echo "== aehttp -v -i http://$addr/"
"$bin/aehttp" -v -i "http://$addr/"
echo "== aehttp --dump http://$addr/a http://$addr/b"
"$bin/aehttp" --dump "http://$addr/a" "http://$addr/b"

echo "== httpbench: keep-alive GET, 64 connections (nginx when installed, else evio)"
"$bin/httpbench" -requests 500000 -duration 2s -rounds 3 # P1 on the median of 3 paired rounds

echo "== echobench: loop.Handle vs goroutine-per-connection net"
"$bin/echobench" -conns 1,64,1024 -messages 5000 -duration 3s
