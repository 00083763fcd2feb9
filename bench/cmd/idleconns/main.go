// Command idleconns measures what an idle connection costs a loop: one
// process, one loop.Loop, holds -n idle loopback TCP connections, each in a
// loop.Handle with an OnRead callback (so it would notice end-of-file or
// data, like an idle keep-alive connection) and a far inactivity timeout,
// and reports the Go heap, resident memory and goroutines per connection
// (PERFORMANCE.md P5: ≤ 1 KB of Go heap and 0 goroutines per idle
// connection; P6: 100k connections on one loop).
//
//	idleconns [-n 100000] [-addrs 8] [-idle 1s] [-timeout 120s] [-json]
//
// The measured process listens on 127.0.0.1 … 127.0.0.<addrs> (the
// client's ephemeral ports run out at about 28k per destination address),
// raises RLIMIT_NOFILE, and re-executes itself with -dial as the client:
// plain non-blocking sockets and connect(2), no goroutine per connection
// and no reads, in a separate process so that the client ends cost the
// measured one nothing. The parent grants the dialer connections in
// windows ahead of what it accepted, so no listen queue overflows. With
// every connection accepted it lets the loop sit idle for -idle and counts
// the loop's iterations (0 wake-ups are expected, plus the timer that ends
// the wait), then compares, after two garbage collections, the heap
// (runtime.MemStats HeapInuse and HeapAlloc), VmRSS of /proc/self/status
// and the goroutine count with those taken before the first connection.
// Everything is closed at the end; the accept phase fails after -timeout.
//
// Each process needs a descriptor per connection. idleconns raises
// RLIMIT_NOFILE, the hard limit too, which needs CAP_SYS_RESOURCE; where
// even root lacks it (some containers) it holds as many connections as the
// hard limit allows, says so on stderr and in its output (-fit=false makes
// that an error instead). The per-connection figures do not depend on the
// count.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if code, ok := childMain(os.Args[1:]); ok {
		os.Exit(code)
	}
	cfg, asJSON, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "idleconns:", err)
		os.Exit(2)
	}
	res, err := run(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "idleconns:", err)
		os.Exit(1)
	}
	if asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	printResult(os.Stdout, &res)
}

// childMain runs the dialer when args are "-dial addrs -n N", and reports
// whether it did.
func childMain(args []string) (int, bool) {
	if len(args) != 4 || args[0] != "-dial" || args[2] != "-n" {
		return 0, false
	}
	n, err := strconv.Atoi(args[3])
	if err != nil {
		return 2, true
	}
	return dialMain(args[1], n), true
}

func parseFlags(args []string) (config, bool, error) {
	fs := flag.NewFlagSet("idleconns", flag.ContinueOnError)
	cfg := config{}
	fs.IntVar(&cfg.n, "n", 100000, "idle connections to hold")
	fs.IntVar(&cfg.addrs, "addrs", 8, "listening addresses, 127.0.0.1 up to 127.0.0.<addrs>")
	fs.IntVar(&cfg.window, "window", 1000, "connections the dialer may open ahead of those accepted")
	fs.DurationVar(&cfg.idle, "idle", time.Second, "how long the loop sits idle with every connection")
	fs.DurationVar(&cfg.timeout, "timeout", 120*time.Second, "bound of the accept phase")
	fs.BoolVar(&cfg.fit, "fit", true, "hold fewer connections when RLIMIT_NOFILE cannot be raised enough (else fail)")
	verbose := fs.Bool("v", false, "log progress to stderr")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return cfg, false, err
	}
	if cfg.n < 1 || cfg.addrs < 1 || cfg.addrs > 254 || cfg.window < 2 || cfg.idle <= 0 || cfg.timeout <= 0 {
		return cfg, false, errors.New("-n, -idle and -timeout must be positive, -addrs within 1…254, -window at least 2")
	}
	var err error
	if cfg.exe, err = os.Executable(); err != nil {
		return cfg, false, err
	}
	if *verbose {
		cfg.log = os.Stderr
	}
	return cfg, *asJSON, nil
}
