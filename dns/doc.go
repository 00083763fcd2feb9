// Package dns is a stub resolver that runs on a [loop.Loop], after
// AnyEvent::DNS: it sends recursive queries to the configured nameservers
// over UDP, falls back to TCP for truncated answers, retries on a ladder
// of timeouts across the servers, and caches answers by their TTL. The
// wire format is golang.org/x/net/dns/dnsmessage.
//
// # Threading
//
// A [Resolver] belongs to the goroutine of its loop, like everything made
// from the loop. Callbacks run on the loop, exactly once unless the query
// is cancelled, and never before the call that registered them returns:
// even an answer known at once (a cache or hosts hit, an IP literal, an
// invalid name) is delivered through [loop.Loop.Defer]. There are no
// goroutines: every query is a state machine stepped by the loop.
//
// # Configuration
//
// [SystemConfig] reads /etc/resolv.conf and /etc/hosts;
// [ParseResolvConf] and [ParseHosts] are pure functions over bytes. The
// resolv.conf keywords nameserver, domain, search and options ndots,
// timeout, attempts, rotate and use-vc are understood (see
// [Config.ApplyResolvConf]). When no nameserver is configured every DNS
// query fails with [ErrNoServers]: unlike AnyEvent::DNS (and glibc, which
// tries 127.0.0.1) the resolver never sends a query anywhere it was not
// told to.
//
// # Lookups
//
// [Resolver.Resolve] is AnyEvent::DNS resolve: the candidates of the search
// list in ndots order, CNAME chains followed within an answer and by new
// queries, the first candidate with records of an accepted type wins.
// [Resolver.LookupHost], [Resolver.LookupNetIP], [Resolver.LookupMX],
// [Resolver.LookupNS], [Resolver.LookupTXT], [Resolver.LookupSRV],
// [Resolver.LookupCNAME] and [Resolver.LookupPTR] decode the usual types;
// [Resolver.Exchange] sends a message as it is and returns the reply.
// The address and reverse lookups consult the hosts database first and
// trust it over DNS, as glibc's "hosts: files dns" does.
//
// # Exchanges
//
// Each question in flight is an exchange (query.go has its theory of
// operation). At most [Config.MaxOutstanding] exchanges are in flight; the
// others wait in a FIFO queue. An exchange walks the schedule "for each
// timeout of [Config.Timeouts], for each server" ([2s, 5s, 5s] by
// default), one attempt at a time. Every exchange has a random ID of its
// own. SERVFAIL, REFUSED and the like end the attempt and move on to the
// next server; a truncated reply is asked again over TCP of the same
// server. Queries advertise an EDNS0 payload of [DefaultUDPSize] bytes
// and are repeated without EDNS0 to a server that answers FORMERR or
// NOTIMP without it.
//
// # Sockets
//
// Each lookup takes its own UDP sockets, one per server asked, connected
// to that server, so its source port is a fresh ephemeral port the kernel
// picks at random and the kernel drops datagrams from anyone else. The
// exchanges of one lookup share them, as glibc does for the A and AAAA
// queries of one getaddrinfo: [Resolver.LookupHost] and
// [Resolver.LookupNetIP] with "ip" send both questions from one socket
// (two distinct IDs), and the search-list candidates and CNAME targets
// of a lookup reuse it too. Separate lookups never share a socket at the
// same time. A datagram goes to the exchange whose ID it carries, and
// counts only if its ID, QR bit, opcode and question (name, type, class)
// match that query; anything else is dropped while the exchanges keep
// waiting (RFC 5452). An ICMP error reported on a shared socket fails
// that server's attempt for every exchange waiting on it.
// [Resolver.Exchange] uses sockets of its own.
//
// When a lookup ends its sockets are recycled rather than closed, on
// Linux, where disconnecting a UDP socket (connect to AF_UNSPEC) releases
// the port the kernel chose for it: opening, registering and closing a
// socket cost more than the rest of a lookup. The next lookup connects
// the socket again and so gets a new random port, exactly as a new socket
// would: recycling trades none of the spoofing resistance of RFC 5452
// §9.2 away. A socket is recycled only when every query sent on it got
// its reply and it reported no error, so no answer of the old lookup can
// still be on its way; it is disconnected first, which leaves it without
// a port, so nothing more can reach it; then whatever was queued is read
// and dropped, so nothing that arrived for one lookup is ever read by
// another. Any other socket is closed when its lookup ends (answered,
// failed or cancelled), once no exchange of it runs any more. The
// resolver keeps at most [Config.MaxOutstanding] idle sockets per address
// family and closes each after two seconds of disuse; [Resolver.Close]
// closes them all. Idle sockets hold a descriptor but no port. Elsewhere
// every lookup opens and closes its sockets.
//
// A lookup of one address family thus costs five system calls: connect,
// send, the read of the answer, the disconnect and the read that drains.
// The drain cannot be merged into the answer's read (one recvmmsg
// reporting that nothing else was queued): a datagram may arrive between
// that read and the disconnect, so only a read after the disconnect
// proves the socket clean. All five complete at once on a non-blocking
// UDP socket and are made on Linux without the scheduler's system-call
// hooks (internal/sys: ConnectDgram, Disconnect, and the loop's raw read
// and write).
//
// # Memory
//
// An address lookup answered by the network allocates its job (the
// [Query], its lookups and their socket sets in one object), the name
// made canonical when it lacks the trailing dot, per question one reply
// (message, question and first answer record together) and its record
// bodies, and the address slice handed to the callback. Exchanges, with
// their query buffers, and their attempt timers come from free lists of
// the resolver; lookups are started by one [loop.Loop.Defer] per batch.
// TestLookupNetIPAllocs holds the budget.
//
// # Cache
//
// With [Config.CacheSize] > 0, replies are cached by question (name,
// type, class) for the smallest TTL of their answer section, at most a
// day; negative replies (NXDOMAIN, or no records of the type) for the SOA
// minimum of RFC 2308, at most an hour, and only if they carry a SOA.
// Failures are not cached. The cache evicts the least recently used entry
// when full, and reads time from [loop.Loop.Now], so a test clock drives
// expiry.
package dns
