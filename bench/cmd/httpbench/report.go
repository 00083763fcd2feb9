package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"
)

// report is the outcome of a run: the server and one summed result per
// client, in the order of -clients.
type report struct {
	server  string
	url     string
	bodyLen int
	cfg     config
	results []*result
	// nullSyscall is what a system call that does no work costs on this
	// machine: the toll on each read, write and poll (0: not measured).
	nullSyscall time.Duration
}

// find returns the result of client, nil when it was not measured.
func (rep *report) find(client string) *result {
	for _, r := range rep.results {
		if r.Client == client && r.Skipped == "" && r.Requests > 0 {
			return r
		}
	}
	return nil
}

// errors is the number of failed requests of every client.
func (rep *report) errors() uint64 {
	var n uint64
	for _, r := range rep.results {
		n += r.Errors
	}
	return n
}

// The bars of PERFORMANCE.md this run measures.
const (
	barFastHTTP = 0.8 // P1: httpc CPU/request ≤ 0.8 × fasthttp
	barWrk      = 1.0 // P1: ≤ 1.0 × wrk
	barUserUs   = 3.0 // P2: user CPU ≤ 3 µs per request
	barCalls    = 2.1 // P3: ≤ 2.1 system calls per request
	barAllocs   = 2.0 // P4: ≤ 2 allocations per request
	barBytes    = 512 // P4: ≤ 512 B per request
)

// print writes the table, the ratios, the targets and the errors.
func (rep *report) print(w io.Writer) {
	c := rep.cfg
	pin := "clients and server unpinned"
	if c.pin {
		pin = fmt.Sprintf("clients on CPU %d, server on CPU %d", clientCPU, serverCPU)
	}
	fmt.Fprintf(w, "server  %s, GET %s, %d-byte body\n", rep.server, rep.url, rep.bodyLen)
	fmt.Fprintf(w, "load    %d connections per client, up to %d requests or %v per round (wrk: %ds), %d round(s); %s; Go clients GOMAXPROCS=1\n",
		c.conns, c.requests, c.duration, wrkSeconds(c.duration), c.rounds, pin)
	if rep.nullSyscall > 0 {
		fmt.Fprintf(w, "machine %d CPUs; a system call that does no work (getppid) costs %.2f µs\n",
			runtime.NumCPU(), float64(rep.nullSyscall)/float64(time.Microsecond))
	}
	fmt.Fprintf(w, "%-13s %10s %7s %11s %12s %11s %11s %8s %10s %11s %10s %10s %16s %9s\n", "client", "requests", "errors",
		"CPU-µs/req", "user-µs/req", "sys-µs/req", "allocs/req", "B/req", "reads/req", "writes/req", "polls/req",
		"calls/req", "srv-sleeps/req", "req/s")
	for _, r := range rep.results {
		rep.printRow(w, r)
	}
	rep.printRatios(w)
	rep.printTargets(w)
	for _, r := range rep.results {
		if r.Errors > 0 {
			fmt.Fprintf(w, "ERRORS  %s: %d of %d requests failed; first: %s\n", r.Client, r.Errors, r.Requests, r.FirstError)
		}
	}
}

func (rep *report) printRow(w io.Writer, r *result) {
	if r.Skipped != "" {
		fmt.Fprintf(w, "%-13s skipped: %s\n", r.Client, r.Skipped)
		return
	}
	opt := func(x int64, v float64, format string) string {
		if x < 0 {
			return "-"
		}
		return fmt.Sprintf(format, v)
	}
	capped := ""
	if r.Capped {
		capped = " (time cap)"
	}
	fmt.Fprintf(w, "%-13s %10d %7d %11.2f %12.2f %11.2f %11s %8s %10s %11s %10s %10s %16s %9.0f%s\n", r.Client, r.Requests, r.Errors,
		r.CPUPerReq(), r.UserPerReq(), r.SysPerReq(),
		opt(r.Mallocs, r.AllocsPerReq(), "%.3f"), opt(r.AllocBytes, r.BytesPerReq(), "%.0f"),
		opt(r.Reads, r.perReq(float64(r.Reads)), "%.3f"), opt(r.Writes, r.perReq(float64(r.Writes)), "%.3f"),
		opt(r.Polls, r.perReq(float64(r.Polls)), "%.3f"), opt(r.Syscalls, r.perReq(float64(r.Syscalls)), "%.3f"),
		opt(r.ServerSleeps, r.perReq(float64(r.ServerSleeps)), "%.3f"),
		r.ReqPerSec(), capped)
}

// ratioPairs are the ratios printed, client/peer; an optional pair is
// left out when either side was not measured (a variant of httpc measured
// only on request).
var ratioPairs = []struct {
	client, peer string
	optional     bool
}{
	{"httpc", "fasthttp", false},
	{"httpc", "wrk", false},
	{"httpc", "net/http", false},
	{"httpc", "httpc-plain", true},
	{"httpc-collect", "fasthttp", true},
	{"httpc-collect", "httpc", true},
}

// printRatios writes client/peer of CPU and user CPU per request, and
// the naps of the I/O collect interval when httpc-collect ran.
func (rep *report) printRatios(w io.Writer) {
	for _, pair := range ratioPairs {
		h, p := rep.find(pair.client), rep.find(pair.peer)
		name := fmt.Sprintf("%s/%-8s", pair.client, pair.peer)
		if h == nil || p == nil {
			if !pair.optional {
				fmt.Fprintf(w, "ratio   %s CPU/req -     (not measured)\n", name)
			}
			continue
		}
		// getrusage splits user and system time by sampling at the clock
		// tick: a short run may show no user time at all.
		user := "-"
		if p.User > 0 && h.User > 0 {
			user = fmt.Sprintf("%.2f", h.UserPerReq()/p.UserPerReq())
		}
		rounds := ""
		if rs := pairedRatios(h, p); len(rs) > 1 {
			rounds = fmt.Sprintf("  per round: median %.2f, range %.2f-%.2f", median(rs), slices.Min(rs), slices.Max(rs))
		}
		fmt.Fprintf(w, "ratio   %s CPU/req %.2f  user CPU/req %s%s\n", name, h.CPUPerReq()/p.CPUPerReq(), user, rounds)
	}
	if c := rep.find("httpc-collect"); c != nil && c.Naps >= 0 {
		mean := "-"
		if c.Naps > 0 {
			mean = fmt.Sprintf("%.1f µs", float64(c.Napped)/float64(c.Naps)/1e3)
		}
		fmt.Fprintf(w, "collect httpc-collect: IOCollectInterval %v, %.3f naps and %.3f polls per request, mean nap %s\n",
			rep.cfg.collect, c.perReq(float64(c.Naps)), c.perReq(float64(c.Polls)), mean)
	}
}

// pairedRatios returns httpc's CPU per request over the peer's, round by
// round. The two ran within seconds of each other in each round, so a
// round's ratio is little moved by the machine's speed drifting over the
// minutes of a run, which sways the summed figures.
func pairedRatios(h, p *result) []float64 {
	var rs []float64
	for i := range min(len(h.rounds), len(p.rounds)) {
		if h.rounds[i] > 0 && p.rounds[i] > 0 {
			rs = append(rs, h.rounds[i]/p.rounds[i])
		}
	}
	return rs
}

// median returns the middle of xs (the mean of the two middle values of
// an even count); xs is not modified.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	k := len(s) / 2
	if len(s)%2 == 1 {
		return s[k]
	}
	return (s[k-1] + s[k]) / 2
}

// cpuRatio is the figure P1 is judged on: the median of the per-round
// ratios when there are at least three rounds, else the ratio of the
// summed figures. what says which.
func cpuRatio(h, p *result) (ratio float64, what string) {
	if rs := pairedRatios(h, p); len(rs) >= 3 {
		return median(rs), fmt.Sprintf(" (median of %d rounds)", len(rs))
	}
	return h.CPUPerReq() / p.CPUPerReq(), ""
}

// printTargets writes one line per bar: target, what, figure, bar, verdict.
func (rep *report) printTargets(w io.Writer) {
	h := rep.find("httpc")
	line := func(target, what, figure, bar string, pass, measured bool) {
		verdict := "NA"
		switch {
		case measured && pass:
			verdict = "PASS"
		case measured:
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "target  %-3s %-59s %-10s %-10s %s\n", target, what, figure, bar, verdict)
	}
	for _, p := range []struct {
		name string
		bar  float64
	}{{"fasthttp", barFastHTTP}, {"wrk", barWrk}} {
		peer := rep.find(p.name)
		if h == nil || peer == nil {
			line("P1", "httpc/"+p.name+" CPU per request", "-", fmt.Sprintf("<= %.1f", p.bar), false, false)
			continue
		}
		ratio, what := cpuRatio(h, peer)
		line("P1", "httpc/"+p.name+" CPU per request"+what, fmt.Sprintf("%.2f", ratio), fmt.Sprintf("<= %.1f", p.bar), ratio <= p.bar, true)
	}
	if h == nil {
		line("P2", "httpc user CPU per request", "-", "<= 3 µs", false, false)
	} else {
		line("P2", "httpc user CPU per request", fmt.Sprintf("%.2f µs", h.UserPerReq()), "<= 3 µs", h.UserPerReq() <= barUserUs, true)
	}
	if h == nil || h.Syscalls < 0 {
		line("P3", "httpc read, write and poll calls per request", "-", "<= 2.1", false, false)
	} else {
		calls := math.Round(h.perReq(float64(h.Syscalls))*1000) / 1000
		line("P3", "httpc read, write and poll calls per request", fmt.Sprintf("%.3f", calls), "<= 2.1", calls <= barCalls, true)
	}
	if h == nil || h.Mallocs < 0 || h.AllocBytes < 0 {
		line("P4", "httpc allocations per request", "-", "<= 2", false, false)
		line("P4", "httpc bytes allocated per request", "-", "<= 512 B", false, false)
		return
	}
	// The verdicts judge the printed figures: the measured window also
	// holds the few allocations of the measurement itself.
	allocs, bytes := math.Round(h.AllocsPerReq()*1000)/1000, math.Round(h.BytesPerReq())
	line("P4", "httpc allocations per request", fmt.Sprintf("%.3f", allocs), "<= 2", allocs <= barAllocs, true)
	line("P4", "httpc bytes allocated per request", fmt.Sprintf("%.0f B", bytes), "<= 512 B", bytes <= barBytes, true)
}
