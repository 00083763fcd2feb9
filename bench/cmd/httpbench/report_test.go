package main

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// roundResult is a client's result of one round: cpu µs for each of 1000
// requests.
func roundResult(client string, cpuUs float64) *result {
	return &result{Client: client, Requests: 1000, User: time.Duration(cpuUs * 1000 * 1000 / 2),
		Sys: time.Duration(cpuUs * 1000 * 1000 / 2), Mallocs: -1, AllocBytes: -1, Reads: -1, Writes: -1, Polls: -1, Syscalls: -1}
}

// P1 is judged on the median of the round-by-round ratios once there are
// three rounds: one round in which the machine was slow for one client
// moves the summed ratio, not the median.
func TestP1JudgedOnPairedMedian(t *testing.T) {
	h, f := &result{Client: "httpc"}, &result{Client: "fasthttp"}
	for _, r := range []struct{ httpc, fast float64 }{{9, 12}, {9.5, 12}, {30, 12}} {
		h.add(roundResult("httpc", r.httpc))
		f.add(roundResult("fasthttp", r.fast))
	}
	if got := pairedRatios(h, f); len(got) != 3 || got[0] != 0.75 || got[2] != 2.5 {
		t.Fatalf("paired ratios %v", got)
	}
	ratio, what := cpuRatio(h, f)
	if ratio != 9.5/12 || !strings.Contains(what, "median of 3 rounds") {
		t.Fatalf("cpuRatio = %v%s, want the median %v", ratio, what, 9.5/12)
	}
	if summed := h.CPUPerReq() / f.CPUPerReq(); summed < 1.3 {
		t.Fatalf("summed ratio %v: the slow round should have moved it", summed)
	}
	rep := &report{cfg: config{rounds: 3}, results: []*result{h, f}}
	var out bytes.Buffer
	rep.print(&out)
	text := out.String()
	if !hasLineFields(text, "ratio httpc/fasthttp CPU/req 1.35 user CPU/req 1.35 per round: median 0.79, range 0.75-2.50") {
		t.Errorf("ratio line:\n%s", text)
	}
	if !hasLineFields(text, "target P1 httpc/fasthttp CPU per request (median of 3 rounds) 0.79 <= 0.8 PASS") {
		t.Errorf("P1 line:\n%s", text)
	}
	if !hasLineFields(text, "target P4 httpc allocations per request - <= 2 NA") {
		t.Errorf("P4 judged without allocation figures:\n%s", text)
	}
}

// hasLineFields reports whether text has a line with the fields of want.
func hasLineFields(text, want string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.Join(strings.Fields(line), " ") == want {
			return true
		}
	}
	return false
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}

// The machine line gives the cost of a system call, which weighs every
// call a client makes; it is left out when it was not measured.
func TestMachineLine(t *testing.T) {
	rep := &report{nullSyscall: 1234 * time.Nanosecond}
	var out bytes.Buffer
	rep.print(&out)
	want := fmt.Sprintf("machine %d CPUs; a system call that does no work (getppid) costs 1.23 µs", runtime.NumCPU())
	if !hasLineFields(out.String(), want) {
		t.Errorf("no line %q in:\n%s", want, out.String())
	}
	rep.nullSyscall = 0
	out.Reset()
	rep.print(&out)
	if strings.Contains(out.String(), "machine") {
		t.Errorf("machine line without a measurement:\n%s", out.String())
	}
}
