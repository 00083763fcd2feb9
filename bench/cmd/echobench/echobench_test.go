package main

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary act as the server child: the smoke test
// re-executes it with -serve, as echobench re-executes itself.
func TestMain(m *testing.M) {
	if code, ok := childMain(os.Args[1:]); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestSmoke runs both servers with 2 connections × 100 messages and checks
// that every figure is a sane number: every message sent came back and was
// counted by the server, CPU time was spent, allocations are finite.
func TestSmoke(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{
		exe: exe, servers: []string{"loop", "net"}, conns: []int{2}, messages: 100,
		duration: 10 * time.Second, warmup: 5, rounds: 1, procs: 1,
	}
	cells, err := run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 2 {
		t.Fatalf("%d cells, want 2", len(cells))
	}
	for _, c := range cells {
		const want = 2 * 100
		if c.Messages != want || c.ServerMessages != want || c.Capped {
			t.Errorf("%s: generator counted %d messages, server %d (capped %v), want %d",
				c.Server, c.Messages, c.ServerMessages, c.Capped, want)
		}
		if c.CPU.Total() <= 0 || c.Elapsed <= 0 || c.GenCPU <= 0 {
			t.Errorf("%s: server CPU %v, elapsed %v, generator CPU %v, want positive", c.Server, c.CPU, c.Elapsed, c.GenCPU)
		}
		// Each message needs at least one read and one write by the server.
		if c.Reads < want || c.Writes < want {
			t.Errorf("%s: %d reads and %d writes for %d messages", c.Server, c.Reads, c.Writes, want)
		}
		for name, v := range map[string]float64{"CPU/msg": c.CPUPerMsg(), "allocs/msg": c.AllocsPerMsg(), "msgs/s": c.MsgsPerSec()} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e9 {
				t.Errorf("%s: %s = %v", c.Server, name, v)
			}
		}
	}
	var out bytes.Buffer
	printTable(&out, cells)
	if !strings.Contains(out.String(), "ratio loop/net    2 conns") {
		t.Errorf("table has no ratio line:\n%s", out.String())
	}
}

func TestParseFlags(t *testing.T) {
	cfg, _, err := parseFlags([]string{"-conns", "1,64", "-messages", "10", "-pin=false"})
	if err != nil || len(cfg.conns) != 2 || cfg.conns[1] != 64 || cfg.messages != 10 || cfg.procs != 1 {
		t.Fatalf("parseFlags = %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{{"-conns", "0"}, {"-servers", "evio"}, {"-messages", "0"}, {"-procs", "0"}} {
		if _, _, err := parseFlags(append(bad, "-pin=false")); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

func TestParseStrace(t *testing.T) {
	text := `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 39.67    0.000315           8        39        19 read
 20.40    0.000162           5        30           write
------ ----------- ----------- --------- --------- ----------------
100.00    0.000794           5        69        19 total
`
	counts, total := parseStrace(text)
	if total.calls != 69 || total.errors != 19 || len(counts) != 2 ||
		counts[0] != (straceCount{"read", 39, 19}) || counts[1] != (straceCount{"write", 30, 0}) {
		t.Fatalf("parseStrace = %+v, %+v", counts, total)
	}
}
