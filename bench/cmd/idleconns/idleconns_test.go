package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary act as the dialer child, as idleconns
// re-executes itself with -dial.
func TestMain(m *testing.M) {
	if code, ok := childMain(os.Args[1:]); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestSmoke holds 200 idle connections on 2 addresses and checks that the
// figures are sane: every connection counted, no goroutine per connection,
// a plausible heap cost, and a loop that does not wake while idle.
func TestSmoke(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{exe: exe, n: 200, addrs: 2, window: 64, idle: 100 * time.Millisecond, timeout: 15 * time.Second}
	res, err := run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Conns != 200 || res.Asked != 200 {
		t.Fatalf("held %d connections of %d asked, want 200", res.Conns, res.Asked)
	}
	if d := res.After.Heap.Goroutines - res.Before.Heap.Goroutines; d != 0 {
		t.Errorf("%+d goroutines for 200 idle connections, want 0", d)
	}
	// A Handle, its watcher and timer cost hundreds of bytes; anything
	// outside (0, 16 KiB] means the measurement is broken.
	if per := res.HeapAllocPerConn(); per <= 0 || per > 16<<10 {
		t.Errorf("heap alloc per connection = %.0f B", per)
	}
	if per := res.RSSPerConn(); per < -64<<10 || per > 1<<20 {
		t.Errorf("RSS per connection = %.0f B", per)
	}
	// The timer ending the wait runs in one iteration; allow one spare.
	if res.IdleIterations < 1 || res.IdleIterations > 2 {
		t.Errorf("%d loop iterations while idle, want 1", res.IdleIterations)
	}
	var out bytes.Buffer
	printResult(&out, &res)
	if !strings.Contains(out.String(), "heap inuse/conn") {
		t.Errorf("output lacks the heap line:\n%s", out.String())
	}
}

func TestParseFlags(t *testing.T) {
	cfg, _, err := parseFlags([]string{"-n", "300", "-addrs", "3"})
	if err != nil || cfg.n != 300 || cfg.addrs != 3 || !cfg.fit {
		t.Fatalf("parseFlags = %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-addrs", "255"}, {"-window", "1"}} {
		if _, _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}
