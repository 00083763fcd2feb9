#!/usr/bin/env bash
# Runs the PERFORMANCE.md measurements that exist so far and prints one
# summary table: target, what is measured, the figure, the bar, pass/fail.
#
#   scripts/bench.sh                 # about 4 minutes on a 2-core machine
#   BENCH_OUT=dir scripts/bench.sh   # keep the raw outputs in dir
#
# Every step runs a fixed number of operations (-benchtime Nx, -messages)
# with a time cap, so the run is bounded and its figures comparable from
# run to run. Figures are per operation (CPU µs, ns, allocations) or ratios
# against a peer measured in the same run, never absolute rates: see
# PERFORMANCE.md for the method and bench/README.md for the tools.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/anyevent-bench.XXXXXX")}
mkdir -p "$out"
echo "bench: raw outputs in $out" >&2

./scripts/install-peers.sh # dnsmasq for P12

# --- step 1: loop micro-benchmarks (P4, P7, P8, P9), -count 5, medians ----
go test -c -o "$out/loop.test" ./loop/
loopbench() { # name count
	(cd loop && "$out/loop.test" -test.run '^$' -test.bench "^Benchmark$1\$" \
		-test.benchtime "$2x" -test.count 5 -test.benchmem) | tee -a "$out/loop.txt"
}
: >"$out/loop.txt"
loopbench TimerStartStop 3000000
loopbench TimerReset 3000000
loopbench Post 3000000
loopbench PostWakeLatency 50000
loopbench HandleEcho 100000
loopbench Connect 10000

# --- step 2: DNS against Go's resolver (P12) --------------------------------
go test -run '^$' -bench VersusGo -benchtime 30000x ./dns/ | tee "$out/dns.txt"

# --- step 3: echo, loop.Handle vs goroutine-per-connection net ------------
(cd bench && go build -o "$out/echobench" ./cmd/echobench && go build -o "$out/idleconns" ./cmd/idleconns)
"$out/echobench" -conns 1,64,1024 -messages 20000 -duration 5s -rounds 3 | tee "$out/echo.txt"

# --- step 4: idle connections on one loop (P5, P6, P9 idle) ---------------
"$out/idleconns" -n 100000 -addrs 8 -idle 2s | tee "$out/idle.txt"

# --- step 5: keep-alive GET load, httpc vs fasthttp, wrk, net/http (P1, P2, P4)
# nginx when installed (make test installs it), else the evio server; wrk when
# on PATH. A run with failed requests still gives its figures, marked FAIL.
(cd bench && go build -o "$out/httpbench" ./cmd/httpbench)
"$out/httpbench" -requests 1000000 -duration 5s -rounds 3 | tee "$out/http.txt" ||
	echo "bench: httpbench failed" >&2

# --- summary ----------------------------------------------------------------

# metric FILE BENCH UNIT: the median over the -count runs of the figure
# printed before UNIT on the lines of benchmark BENCH (a regexp).
metric() {
	awk -v b="^Benchmark$2(-[0-9]+)?\$" -v u="$3" \
		'$1 ~ b { for (i = 2; i < NF; i++) if ($(i+1) == u) print $i }' "$1" |
		sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else print v[int((NR + 1) / 2)] }'
}
# echo_col SERVER CONNS COLUMN: a column of echobench's table.
echo_col() { awk -v s="$1" -v c="$2" -v k="$3" '$1 == s && $2 == c { print $k }' "$out/echo.txt"; }
echo_ratio() { awk -v c="$1" '$1 == "ratio" && $3 == c { sub(",", "", $6); print $6 }' "$out/echo.txt"; }
idle_val() { awk -v k="$1" -v f="$2" 'index($0, k) == 1 { print $f }' "$out/idle.txt"; }
# http_col CLIENT COLUMN: a column of httpbench's table ("-" when not measured).
http_col() { awk -v c="$1" -v k="$2" '$1 == c && $2 ~ /^[0-9]+$/ { print $k }' "$out/http.txt"; }
# http_ratio PEER: the figure httpbench judges P1 on (with 3 rounds or more,
# the median of the round-by-round ratios).
http_ratio() { awk -v p="httpc/$1" '$1 == "target" && $2 == "P1" && $3 == p { for (i = 4; i <= NF; i++) if ($i == "<=") print $(i - 1) }' "$out/http.txt"; }
calc() { awk "BEGIN { print $1 }"; }
# verdict FIGURE OP BAR: PASS or FAIL (NA when the figure is missing).
verdict() {
	case $1 in NA | "") echo "NA"; return ;; esac
	case $1 in -) echo "NA"; return ;; esac
	if awk "BEGIN { exit !($1 $2 $3) }"; then echo PASS; else echo FAIL; fi
}

rows=()
row() { rows+=("$1|$2|$3|$4|$5"); }

ss=$(metric "$out/loop.txt" TimerStartStop ns/op)
ssa=$(metric "$out/loop.txt" TimerStartStop allocs/op)
each=$(calc "$ss / 2")
row P8 "timer Start+Stop, 100k armed (per call)" "$each ns, $ssa allocs" "<= 100 ns, 0 allocs" \
	"$(verdict "$each" "<=" 100 | sed "s/PASS/$(verdict "$ssa" "==" 0)/")"
rs=$(metric "$out/loop.txt" TimerReset ns/op)
rsa=$(metric "$out/loop.txt" TimerReset allocs/op)
row P8 "timer Reset, 100k armed" "$rs ns, $rsa allocs" "<= 100 ns, 0 allocs" \
	"$(verdict "$rs" "<=" 100 | sed "s/PASS/$(verdict "$rsa" "==" 0)/")"
posts=$(metric "$out/loop.txt" Post posts/s)
row P9 "Post from another goroutine" "$(printf %.2f "$(calc "$posts / 1e6")") M/s" ">= 1 M/s" "$(verdict "$posts" ">=" 1e6)"
wake=$(metric "$out/loop.txt" PostWakeLatency ns/op)
row P9 "Post wake-up latency (sleeping loop)" "$(calc "$wake / 1e3") us" "(no bar)" "info"
idle_it=$(idle_val "idle iterations" 3)
row P9 "loop wake-ups while idle (idleconns, 2 s)" "$(calc "${idle_it:-1} - 1")" "0" "$(verdict "${idle_it:-NA}" "==" 1)"

ea=$(metric "$out/loop.txt" HandleEcho allocs/op)
eb=$(metric "$out/loop.txt" HandleEcho B/op)
row P4 "Handle echo round trip (BenchmarkHandleEcho)" "$ea allocs, $eb B" "<= 2 allocs, <= 512 B" \
	"$(verdict "$ea" "<=" 2 | sed "s/PASS/$(verdict "$eb" "<=" 512)/")"
la=$(echo_col loop 64 6)
row P4 "echo server allocs/msg (echobench loop, 64 conns)" "${la:-NA}" "<= 2 (stretch 0)" "$(verdict "${la:-NA}" "<=" 2)"

cn=$(metric "$out/loop.txt" Connect ns/op)
cps=$(calc "1e9 / $cn")
row P7 "connect+accept+2 closes on one loop" "$(printf %.0f "$cps")/s" ">= 10000/s" "$(verdict "$cps" ">=" 10000)"

heap=$(idle_val "heap inuse/conn" 3)
row P5 "Go heap per idle connection (HeapInuse)" "${heap:-NA} B" "<= 1024 B (stretch 512)" "$(verdict "${heap:-NA}" "<=" 1024)"
gr=$(awk '$1 == "goroutines" { gsub(/[()+]/, "", $6); print $6 }' "$out/idle.txt")
row P5 "goroutines per idle connection" "${gr:-NA}" "0" "$(verdict "${gr:-NA}" "==" 0)"
held=$(idle_val "connections" 2)
rss=$(idle_val "rss/conn" 2)
total=$(awk '$1 == "rss/conn" { print $(NF-1) }' "$out/idle.txt")
rss100k=$(calc "${total:-0} + (100000 - ${held:-0}) * ${rss:-0} / 1048576")
row P6 "RSS with 100k idle conns (${held:-?} held, + rss/conn for the rest)" "$(printf %.0f "$rss100k") MiB" "<= 150 MB" \
	"$(verdict "$rss100k" "<=" 143)$([ "${held:-0}" -lt 100000 ] && echo " (extrapolated)")"

for c in 1 64 1024; do
	r=$(echo_ratio "$c")
	row echo "loop/net server CPU per message, $c conns" "${r:-NA}" "<= 1.0 (informal)" "$(verdict "${r:-NA}" "<=" 1.0)"
done
rd=$(echo_col loop 64 9)
wr=$(echo_col loop 64 10)
rw=$(calc "${rd:-0} + ${wr:-0}")
row P3 "echo server read(2)+write(2)/msg, no epoll (loop, 64 conns)" "$rw ($rd reads)" "<= 2.1" "$(verdict "$rw" "<=" 2.1)"

hserver=$(awk '$1 == "server" { split($2, a, "/"); print a[1] }' "$out/http.txt")
herr=""
grep -q '^ERRORS' "$out/http.txt" && herr=" (requests failed)"
for p in fasthttp wrk; do
	r=$(http_ratio "$p")
	bar="<= 0.8"
	[ "$p" = wrk ] && bar="<= 1.0 (stretch 0.9)"
	row P1 "httpc/$p client CPU per keep-alive GET (64 conns, ${hserver:-?})" "${r:-NA}" "$bar" \
		"$(verdict "${r:-NA}" "<=" "${bar:3:3}")$herr"
done
hu=$(http_col httpc 5)
row P2 "httpc user CPU per keep-alive GET (httpbench)" "${hu:-NA} us" "<= 3 us (stretch 2)" "$(verdict "${hu:-NA}" "<=" 3)$herr"
ha=$(http_col httpc 7)
hb=$(http_col httpc 8)
row P4 "httpc allocs per keep-alive GET, end to end (httpbench)" "${ha:-NA} allocs, ${hb:-NA} B" "<= 2 allocs, <= 512 B" \
	"$(verdict "${ha:-NA}" "<=" 2 | sed "s/PASS/$(verdict "${hb:-NA}" "<=" 512)/")$herr"
hr=$(http_col httpc 9)
hp=$(http_col httpc 11)
hsys=$(http_col httpc 12)
row P3 "httpc system calls per keep-alive GET, a batch once (httpbench)" "${hsys:-NA} ($hr reads, $hp polls)" "<= 2.1" "$(verdict "${hsys:-NA}" "<=" 2.1)"

for w in A A+AAAA; do
	re=${w//+/\\+}
	r=$(metric "$out/dns.txt" "VersusGoResolver/$re" ratio)
	row P12 "DNS queries/CPU-s vs Go's resolver ($w)" "${r} x" ">= 3 x (stretch 5)" "$(verdict "$r" ">=" 3)"
done

echo
echo "== PERFORMANCE.md targets measured so far ($(uname -n), $(nproc) CPUs, $(go version | awk '{print $3}'))"
printf '%-6s %-66s %-22s %-24s %s\n' target what figure bar result
for r in "${rows[@]}"; do
	IFS='|' read -r t w f b v <<<"$r"
	printf '%-6s %-66s %-22s %-24s %s\n' "$t" "$w" "$f" "$b" "$v"
done
