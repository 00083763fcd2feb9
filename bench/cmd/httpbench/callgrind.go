package main

// -callgrind: user-mode instructions per request.
//
// CPU time per request moves by tens of per cent from run to run on a
// shared virtual machine, far more than a change to the client's own code
// does. The number of instructions the client executes in user mode does
// not depend on the machine's load: valgrind's callgrind tool counts them.
// Each Go client child runs twice under callgrind, with -requests/5 and
// with -requests requests; the difference of the two totals over the
// difference of the request counts leaves out start-up, warm-up and
// connection set-up. The kernel's work (system calls, TCP) is not counted,
// nor are cache misses: this is the figure of the client's code, to be
// read beside the CPU table, not instead of it.
//
// The count still moves a little with timing (how many responses one
// poll finds, when the garbage collector runs), so -rounds repeats it and
// the median is reported.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

// callgrindMinRequests is the least -requests -callgrind accepts: the
// short run has a fifth of them, and the two must differ.
const callgrindMinRequests = 10

// callgrindClients are the clients -callgrind measures: the Go ones.
func callgrindClients(clients []string) []string {
	var out []string
	for _, c := range clients {
		if c != "wrk" {
			out = append(out, c)
		}
	}
	return out
}

// instructionCount is what -callgrind measured of one client.
type instructionCount struct {
	client string
	perReq []float64 // one figure per round
}

// median returns the median of the rounds.
func (c *instructionCount) median() float64 {
	s := slices.Clone(c.perReq)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// callgrindMain starts the server and prints the instruction counts of
// the Go clients of cfg.
func callgrindMain(cfg config) error {
	if _, err := measure.RaiseNoFile(uint64(4*cfg.conns + 256)); err != nil {
		return err
	}
	p, err := startPeer(cfg.server)
	if err != nil {
		return err
	}
	defer p.stop()
	return runCallgrind(cfg, p, os.Stdout)
}

// runCallgrind measures every Go client of cfg against p cfg.rounds times.
func runCallgrind(cfg config, p *peer, w io.Writer) error {
	valgrind, err := exec.LookPath("valgrind")
	if err != nil {
		return errors.New("-callgrind: valgrind is not on PATH (Debian: valgrind)")
	}
	short := max(cfg.requests/5, 1)
	fmt.Fprintf(w, "server  %s, GET %s, %d-byte body\n", p.name, p.url, p.bodyLen)
	fmt.Fprintf(w, "load    %d connections; user-mode instructions per request counted by callgrind: "+
		"(total at %d requests - total at %d) / %d, median of %d round(s)\n",
		cfg.conns, cfg.requests, short, cfg.requests-short, cfg.rounds)
	var counts []*instructionCount
	for _, c := range callgrindClients(cfg.clients) {
		ic := &instructionCount{client: c}
		for range cfg.rounds {
			long, err := callgrindTotal(valgrind, cfg, p, c, cfg.requests)
			if err != nil {
				return fmt.Errorf("%s: %w", c, err)
			}
			base, err := callgrindTotal(valgrind, cfg, p, c, short)
			if err != nil {
				return fmt.Errorf("%s: %w", c, err)
			}
			ic.perReq = append(ic.perReq, float64(int64(long)-int64(base))/float64(cfg.requests-short))
		}
		counts = append(counts, ic)
	}
	fmt.Fprintf(w, "%-14s %12s   %s\n", "client", "instr/req", "rounds")
	for _, ic := range counts {
		var rounds []string
		for _, v := range ic.perReq {
			rounds = append(rounds, strconv.FormatFloat(v, 'f', 0, 64))
		}
		fmt.Fprintf(w, "%-14s %12.0f   %s\n", ic.client, ic.median(), strings.Join(rounds, " "))
	}
	if counts[0].client == "httpc" {
		for _, ic := range counts[1:] {
			fmt.Fprintf(w, "ratio   httpc/%-13s instructions/req %.2f\n", ic.client, counts[0].median()/ic.median())
		}
	}
	return nil
}

// collected is callgrind's summary line on standard error.
var collected = regexp.MustCompile(`(?m)^==\d+== Collected : (\d+)$`)

// callgrindTotal runs client once under callgrind for requests requests
// and returns the instructions it executed in all. Asynchronous
// preemption is off: callgrind does not survive the signal it uses.
func callgrindTotal(valgrind string, cfg config, p *peer, client string, requests int) (uint64, error) {
	ld := load{
		client: client, url: p.url, conns: cfg.conns, requests: requests,
		duration: 10 * time.Minute, warmup: cfg.warmup, bodyLen: p.bodyLen, cpu: -1,
	}
	if cfg.pin {
		ld.cpu = clientCPU
	}
	if client == "httpc-collect" {
		ld.collect = cfg.collect
	}
	var stderr bytes.Buffer
	wrap := []string{valgrind, "--tool=callgrind", "--callgrind-out-file=" + os.DevNull}
	r, err := runChildUnder(wrap, []string{"GODEBUG=asyncpreemptoff=1"}, cfg.exe, ld, &stderr)
	if err != nil {
		return 0, fmt.Errorf("%w\n%s", err, stderr.Bytes())
	}
	if r.Errors > 0 || r.Capped {
		return 0, fmt.Errorf("%d errors (first: %s), capped %v", r.Errors, r.FirstError, r.Capped)
	}
	m := collected.FindSubmatch(stderr.Bytes())
	if m == nil {
		return 0, fmt.Errorf("no callgrind summary in:\n%s", stderr.Bytes())
	}
	return strconv.ParseUint(string(m[1]), 10, 64)
}
