package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/anyevent-go/anyevent/bench/internal/measure"
)

// run starts the server and measures every client cfg.rounds times,
// rotating the order of the clients from round to round. The report holds
// what was measured even when err is not nil.
func run(cfg config) (*report, error) {
	if _, err := measure.RaiseNoFile(uint64(4*cfg.conns + 256)); err != nil {
		return nil, err
	}
	p, err := startPeer(cfg.server)
	if err != nil {
		return nil, err
	}
	defer p.stop()
	rep := &report{server: p.name, url: p.url, bodyLen: p.bodyLen, cfg: cfg, nullSyscall: measure.NullSyscall()}
	for _, c := range cfg.clients {
		rep.results = append(rep.results, &result{Client: c})
	}
	wrk := wrkPath()
	for r := range cfg.rounds {
		for i := range cfg.clients {
			res := rep.results[(i+r)%len(rep.results)]
			m, err := measureClient(cfg, p, res.Client, wrk, r+1)
			if err != nil {
				return rep, fmt.Errorf("%s: %w", res.Client, err)
			}
			res.add(m)
			if cfg.log {
				fmt.Fprintf(os.Stderr, "httpbench: round %d %s: %d requests, %d errors, %.2f CPU-µs/req\n",
					r+1, m.Client, m.Requests, m.Errors, m.CPUPerReq())
			}
		}
	}
	return rep, nil
}

// measureClient runs one client once against p, in round, and counts the
// server's sleeps meanwhile.
func measureClient(cfg config, p *peer, client, wrk string, round int) (*result, error) {
	before := serverSleeps(p)
	r, err := runClient(cfg, p, client, wrk, round)
	if r == nil {
		return nil, err
	}
	r.ServerSleeps = -1
	if after := serverSleeps(p); before >= 0 && after >= 0 && r.Skipped == "" {
		r.ServerSleeps = after - before
	}
	return r, err
}

// serverSleeps returns the server's voluntary context switches, -1 when
// they are not known.
func serverSleeps(p *peer) int64 {
	if p.pid == 0 {
		return -1
	}
	n, err := measure.VoluntarySwitches(p.pid)
	if err != nil {
		return -1
	}
	return n
}

// runClient runs one client once against p, in round.
func runClient(cfg config, p *peer, client, wrk string, round int) (*result, error) {
	ld := load{
		client: client, url: p.url, conns: cfg.conns, requests: cfg.requests,
		duration: cfg.duration, warmup: cfg.warmup, bodyLen: p.bodyLen, cpu: -1,
	}
	if client == "httpc-collect" {
		ld.collect = cfg.collect
	}
	if cfg.pin {
		ld.cpu = clientCPU
	}
	if cfg.profile != "" {
		ld.profile = filepath.Join(cfg.profile, fmt.Sprintf("%s-%d.pprof", strings.ReplaceAll(client, "/", ""), round))
	}
	if client != "wrk" {
		return runChild(cfg.exe, ld)
	}
	if wrk == "" {
		return &result{Client: "wrk", Skipped: "wrk is not on PATH (Debian: wrk)", Mallocs: -1, AllocBytes: -1, Reads: -1, Writes: -1, Polls: -1, Syscalls: -1, Naps: -1}, nil
	}
	return runWrk(wrk, ld)
}
