package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/nginx"
)

// TestMain lets the test binary act as a client child: the tests
// re-execute it with -client, as httpbench re-executes itself.
func TestMain(m *testing.M) {
	if code, ok := childMain(os.Args[1:]); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// smokeRequests is the tiny bounded load of the smoke tests.
const smokeRequests = 1000

func smokeConfig(t *testing.T, server string) config {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return config{
		exe: exe, server: server, clients: allClients, conns: 8, requests: smokeRequests,
		duration: 2 * time.Second, warmup: 2, rounds: 1,
		// Long enough that the loop of httpc-collect naps even when slow
		// (race detector): each nap follows a poll less than this ago.
		collect: time.Millisecond,
	}
}

func TestSmokeEvio(t *testing.T) { smoke(t, smokeConfig(t, "evio")) }

func TestSmokeNginx(t *testing.T) {
	if nginx.Path() == "" {
		t.Skip("nginx is not installed (Debian: nginx-light)")
	}
	smoke(t, smokeConfig(t, "nginx"))
}

// smoke runs every client against the server and checks the counts, the
// allocations of httpc (P4 bar, end to end) and that the report has every
// row. It asserts nothing about time.
func smoke(t *testing.T, cfg config) {
	rep, err := run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.results) != len(allClients) {
		t.Fatalf("%d results, want %d", len(rep.results), len(allClients))
	}
	for _, r := range rep.results {
		switch {
		case r.Client == "wrk" && wrkPath() == "":
			if os.Getenv("CI") == "true" {
				t.Error("wrk is not installed (apt-get install wrk); it is required in CI")
			}
			if r.Skipped == "" {
				t.Errorf("wrk is not installed, but its result is %+v", r)
			}
		case r.Client == "wrk":
			if r.Requests == 0 || r.Errors != 0 || r.User+r.Sys <= 0 {
				t.Errorf("wrk: %d requests, %d errors (%s), CPU %v", r.Requests, r.Errors, r.FirstError, r.User+r.Sys)
			}
		default:
			if r.Requests != smokeRequests || r.Errors != 0 || r.Capped {
				t.Errorf("%s: %d requests, %d errors (%s), capped %v; want %d, no error", r.Client,
					r.Requests, r.Errors, r.FirstError, r.Capped, smokeRequests)
			}
			if r.User+r.Sys <= 0 || r.Mallocs < 0 || r.Reads < int64(r.Requests) || r.Writes < int64(r.Requests) {
				t.Errorf("%s: CPU %v, %d mallocs, %d reads, %d writes", r.Client, r.User+r.Sys, r.Mallocs, r.Reads, r.Writes)
			}
		}
	}
	for _, r := range rep.results {
		if nginxRun := strings.HasPrefix(rep.server, "nginx"); r.Skipped == "" && (r.ServerSleeps >= 0) != nginxRun {
			t.Errorf("%s: server sleeps %d measured with %s", r.Client, r.ServerSleeps, rep.server)
		}
		ours := strings.HasPrefix(r.Client, "httpc")
		if measured := r.Polls >= 0; measured != ours || (measured && (r.Polls == 0 || r.Polls > 2*int64(r.Requests)+10)) {
			t.Errorf("%s: %d polls for %d requests", r.Client, r.Polls, r.Requests)
		}
		// Batching makes fewer calls than reads, writes and polls, never
		// more; without it, a call is a call.
		if measured := r.Syscalls >= 0; measured != ours ||
			(measured && (r.Syscalls == 0 || r.Syscalls > r.Reads+r.Writes+r.Polls)) ||
			(r.Client == "httpc-plain" && r.Syscalls != r.Reads+r.Writes+r.Polls) {
			t.Errorf("%s: %d system calls for %d reads, %d writes, %d polls", r.Client, r.Syscalls, r.Reads, r.Writes, r.Polls)
		}
	}
	for _, r := range rep.results {
		// Only the loop with a collect interval naps, and at most once a poll.
		switch {
		case r.Client == "httpc-collect" && (r.Naps <= 0 || r.Naps > r.Polls):
			t.Errorf("%s: %d naps in %d polls, want some and at most one a poll", r.Client, r.Naps, r.Polls)
		case r.Client == "httpc-collect" && r.Napped <= 0:
			t.Errorf("%s: %d naps took %v", r.Client, r.Naps, r.Napped)
		case r.Client != "httpc-collect" && strings.HasPrefix(r.Client, "httpc") && r.Naps != 0:
			t.Errorf("%s: %d naps without a collect interval", r.Client, r.Naps)
		case !strings.HasPrefix(r.Client, "httpc") && r.Naps != -1:
			t.Errorf("%s: naps %d, want -1 (not measured)", r.Client, r.Naps)
		}
	}
	if h := rep.find("httpc"); h == nil || h.AllocsPerReq() > barAllocs+0.1 {
		t.Errorf("httpc: allocations per request %+v, want at most %v", h, barAllocs)
	}
	var out bytes.Buffer
	rep.print(&out)
	text := out.String()
	t.Logf("report:\n%s", text)
	want := []string{"server  ", "load    ", "client ", "httpc ", "net/http ", "fasthttp ", "wrk ", "httpc-plain ", "httpc-collect ",
		"ratio   httpc/fasthttp CPU/req", "ratio   httpc/httpc-plain CPU/req", "ratio   httpc/wrk      CPU/req", "ratio   httpc/net/http CPU/req",
		"ratio   httpc-collect/fasthttp CPU/req", "ratio   httpc-collect/httpc    CPU/req",
		"collect httpc-collect: IOCollectInterval 1ms, ",
		"target  P1  httpc/fasthttp CPU per request", "target  P1  httpc/wrk CPU per request",
		"target  P2  httpc user CPU per request", "target  P3  httpc read, write and poll calls per request",
		"target  P4  httpc allocations per request",
		"target  P4  httpc bytes allocated per request"}
	for _, w := range want {
		if !hasLine(text, w) {
			t.Errorf("report has no line starting with %q", w)
		}
	}
	if strings.Contains(text, "ERRORS") {
		t.Errorf("report has errors")
	}
}

func hasLine(text, prefix string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}

// TestWrongBodyIsAnError checks that every Go client counts a response of
// the wrong length as an error and that the report says so.
func TestWrongBodyIsAnError(t *testing.T) {
	cfg := smokeConfig(t, "evio")
	p, err := startPeer("evio")
	if err != nil {
		t.Fatal(err)
	}
	rep := &report{server: p.name, url: p.url, bodyLen: p.bodyLen, cfg: cfg}
	for _, c := range []string{"httpc", "net/http", "fasthttp"} {
		r, err := runChild(cfg.exe, load{client: c, url: p.url, conns: 2, requests: 10,
			duration: 5 * time.Second, bodyLen: p.bodyLen + 1, cpu: -1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests != 10 || r.Errors != 10 || !strings.Contains(r.FirstError, "want") {
			t.Errorf("%s: %d requests, %d errors, first %q; want 10 and 10", c, r.Requests, r.Errors, r.FirstError)
		}
		rep.results = append(rep.results, r)
	}
	var out bytes.Buffer
	rep.print(&out)
	if rep.errors() != 30 || strings.Count(out.String(), "ERRORS  ") != 3 {
		t.Errorf("%d errors; report:\n%s", rep.errors(), out.String())
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 1s test @ http://127.0.0.1:8080/hello
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  200.00us   3.00ms   90.00%
    Req/Sec    60.00k     1.00k   62.00k    80.00%
  60123 requests in 1.00s, 12.00MB read
  Socket errors: connect 0, read 2, write 1, timeout 0
  Non-2xx or 3xx responses: 4
Requests/sec:  60123.00
Transfer/sec:     12.00MB
`
	r, err := parseWrk([]byte(out))
	if err != nil || r.Requests != 60123 || r.Errors != 7 || !strings.Contains(r.FirstError, "Socket errors") || r.Mallocs != -1 {
		t.Fatalf("parseWrk = %+v, %v", r, err)
	}
	r, err = parseWrk([]byte("  5 requests in 1.00s, 1KB read\n"))
	if err != nil || r.Requests != 5 || r.Errors != 0 || r.FirstError != "" {
		t.Fatalf("parseWrk = %+v, %v", r, err)
	}
	if _, err := parseWrk([]byte("unable to connect")); err == nil {
		t.Fatal("parseWrk accepted output without a request count")
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-clients", "httpc,wrk", "-requests", "10", "-server", "evio", "-pin=false"})
	if err != nil || len(cfg.clients) != 2 || cfg.clients[1] != "wrk" || cfg.requests != 10 || cfg.conns != 64 || cfg.server != "evio" {
		t.Fatalf("parseFlags = %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{{"-clients", "curl"}, {"-server", "apache"}, {"-conns", "0"}, {"-requests", "0"}, {"-duration", "0s"}, {"extra"}} {
		if _, err := parseFlags(append([]string{"-pin=false"}, bad...)); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

// TestCallgrindParts checks -callgrind's flag default, its client list,
// the median of its rounds and the reading of callgrind's summary.
func TestCallgrindParts(t *testing.T) {
	cfg, err := parseFlags([]string{"-callgrind", "-clients", "httpc,wrk,fasthttp", "-pin=false"})
	if err != nil || !cfg.callgrind || cfg.requests != 25000 {
		t.Fatalf("parseFlags = %+v, %v", cfg, err)
	}
	if cfg, _ := parseFlags([]string{"-callgrind", "-requests", "100", "-pin=false"}); cfg.requests != 100 {
		t.Errorf("-requests 100 with -callgrind gave %d", cfg.requests)
	}
	for _, bad := range [][]string{{"-clients", "wrk"}, {"-requests", "5"}} {
		if _, err := parseFlags(append([]string{"-callgrind", "-pin=false"}, bad...)); err == nil {
			t.Errorf("parseFlags(-callgrind %q) accepted", bad)
		}
	}
	if got := callgrindClients(cfg.clients); strings.Join(got, ",") != "httpc,fasthttp" {
		t.Errorf("callgrindClients = %q", got)
	}
	for _, tc := range []struct {
		rounds []float64
		want   float64
	}{{[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 2, 3}, 2.5}} {
		if got := (&instructionCount{perReq: tc.rounds}).median(); got != tc.want {
			t.Errorf("median %v = %v, want %v", tc.rounds, got, tc.want)
		}
	}
	out := "==123== Events    : Ir\n==123== Collected : 1234567\n==123== \n==123== I   refs:      1,234,567\n"
	if m := collected.FindStringSubmatch(out); m == nil || m[1] != "1234567" {
		t.Errorf("collected = %q", m)
	}
}
