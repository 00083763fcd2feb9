package dns

import (
	"context"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/dns/dnstest"
	"github.com/anyevent-go/anyevent/internal/looptest"
)

// benchConcurrency is how many lookups each resolver keeps in flight.
const benchConcurrency = 64

// benchRounds is how many times the two resolvers take turns, so that
// both see the same mood of a noisy machine.
const benchRounds = 10

// cpuTime returns the user and system CPU time the process used so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchName is the name of the i-th lookup: all different, so that Go's
// resolver cannot merge concurrent lookups (its singleflight group) and
// every lookup goes on the wire.
func benchName(i int) string { return "q" + strconv.Itoa(i) + ".bench.test." }

// startBenchServer starts a dnsmasq that answers every name under
// bench.test with one IPv4 and one IPv6 address.
func startBenchServer(tb testing.TB) netip.AddrPort {
	return dnstest.Start(tb, "", "--address=/bench.test/10.9.9.9", "--address=/bench.test/2001:db8::9").Addr
}

// runOurs makes n lookups (LookupNetIP with network) with our resolver,
// cache off, benchConcurrency at a time, and returns the CPU time used.
func runOurs(tb testing.TB, srv netip.AddrPort, network string, n int) time.Duration {
	l := newLoop(tb)
	cfg := fastConfig(ms(2000), srv)
	cfg.MaxOutstanding = 2 * benchConcurrency
	r := newResolver(tb, l, cfg)
	want := 1
	if network == "ip" {
		want = 2
	}
	started, done := 0, 0
	var next func([]netip.Addr, error)
	next = func(a []netip.Addr, err error) {
		if err != nil || len(a) != want {
			tb.Fatalf("lookup: %v, %v", a, err)
		}
		done++
		if started < n {
			started++
			r.LookupNetIP(network, benchName(started), next)
		}
	}
	runtime.GC()
	before := cpuTime(tb)
	for started < min(n, benchConcurrency) {
		started++
		r.LookupNetIP(network, benchName(started), next)
	}
	looptest.RunUntil(tb, l, 10*time.Minute, func() bool { return done == n })
	return cpuTime(tb) - before
}

// runGo does the same with Go's pure resolver from benchConcurrency
// goroutines.
func runGo(tb testing.TB, srv netip.AddrPort, network string, n int) time.Duration {
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.String())
	}}
	want := 1
	if network == "ip" {
		want = 2
	}
	errs := make(chan error, benchConcurrency)
	runtime.GC()
	before := cpuTime(tb)
	for g := range benchConcurrency {
		go func() {
			for i := g; i < n; i += benchConcurrency {
				a, err := r.LookupNetIP(context.Background(), network, benchName(i))
				if err == nil && len(a) != want {
					err = net.UnknownNetworkError("wrong number of addresses")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range benchConcurrency {
		if err := <-errs; err != nil {
			tb.Fatal(err)
		}
	}
	return cpuTime(tb) - before
}

// BenchmarkVersusGoResolver measures PERFORMANCE.md P12: DNS queries per
// CPU-second of this resolver against Go's pure resolver
// (net.Resolver{PreferGo: true}), on the same dnsmasq, cache disabled,
// both with 64 lookups in flight, taking turns in 10 rounds. "A" looks up
// IPv4 only (one query per lookup); "A+AAAA" both families (two queries
// per lookup, as LookupHost does). b.N is the number of lookups each
// resolver makes. The metrics are the CPU microseconds per DNS query of
// each resolver and the ratio (target ≥ 3):
//
//	go test -run '^$' -bench VersusGo -benchtime 20000x ./dns/
func BenchmarkVersusGoResolver(b *testing.B) {
	srv := startBenchServer(b)
	for _, w := range []struct{ name, network string }{{"A", "ip4"}, {"A+AAAA", "ip"}} {
		b.Run(w.name, func(b *testing.B) {
			runOurs(b, srv, w.network, 500) // warm up both
			runGo(b, srv, w.network, 500)
			b.ResetTimer()
			var ours, theirs time.Duration
			for i := range benchRounds {
				n := b.N / benchRounds
				if i == benchRounds-1 {
					n = b.N - n*(benchRounds-1)
				}
				ours += runOurs(b, srv, w.network, n)
				theirs += runGo(b, srv, w.network, n)
			}
			b.StopTimer()
			queries := float64(b.N)
			if w.network == "ip" {
				queries *= 2
			}
			oursPer := float64(ours.Nanoseconds()) / 1e3 / queries
			goPer := float64(theirs.Nanoseconds()) / 1e3 / queries
			b.ReportMetric(oursPer, "cpu-µs/query")
			b.ReportMetric(goPer, "go-cpu-µs/query")
			b.ReportMetric(goPer/oursPer, "ratio")
			b.Logf("%s, %.0f queries each: ours %.0f queries/CPU-s, Go %.0f queries/CPU-s, ratio %.2f",
				w.name, queries, 1e6/oursPer, 1e6/goPer, goPer/oursPer)
		})
	}
}
