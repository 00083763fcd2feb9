// Package httpc is AnyEvent::HTTP for Go: a non-blocking HTTP/1.1 client
// that runs on a [loop.Loop], with persistent connections, per-host
// connection limits, streaming callbacks and AnyEvent's 595–599 errors.
//
// # Model
//
// A [Client] is bound to one loop; its methods and every callback run on
// the loop's goroutine, and no goroutine is started per request or per
// connection. [Client.Request] (and Get, Head, Post) returns a [*Call] at
// once; the [DoneFunc] runs later, exactly once, with the body (nil on
// error) and a [*Response], unless [Call.Cancel] ran first. Even errors
// found inside Request (a bad URL, a negative redirect budget) are
// delivered through l.Defer, never before Request returns (AnyEvent calls
// back synchronously there; this is a deliberate difference).
//
// # Request lifecycle
//
//  1. Slot. Each request asks for one of MaxPerHost slots of its host name
//     (not port or scheme); requests beyond that wait in a FIFO queue.
//  2. Connection. A persistent request (by default: an idempotent method)
//     takes the newest idle pooled connection with the same scheme, host,
//     port and SessionID; otherwise the host is resolved and its addresses
//     are connected one after the other.
//  3. Phases. The connection steps through PhaseResolve → PhaseConnect →
//     (PhaseProxy → PhaseTLS, later) → PhaseWrite → PhaseHeader →
//     PhaseBody → PhaseDone; a pooled connection enters at PhaseWrite.
//     The request is written when the loop next polls (the connection's
//     handle is corked): requests issued by the callbacks of one iteration
//     leave in one burst, which spares a fast server a wake-up per request.
//     Each phase starts a fresh inactivity period of Options.Timeout: the
//     timeout is reset by any I/O and there is no overall deadline.
//  4. Head. Interim 1xx responses are skipped, except 101, which is
//     final; 101, 204, 304 and HEAD responses have no body (205 neither,
//     unless framed). OnHeader may Abort (598).
//  5. Body. Content-Length, chunked, or until end-of-file; OnBody may take
//     the pieces instead of the DoneFunc, WantBodyHandle takes the whole
//     connection.
//  6. Done. The connection is pooled when the request was persistent, the
//     body was read completely with nothing left over, and the server
//     agreed to keep it (HTTP/1.0: "keep-alive"; later versions: no
//     "close"); otherwise it is closed. Then the slot is released (which
//     may start a queued request at once) and the DoneFunc runs.
//
// Options.OnPhase observes the phases as they are entered and
// Options.OnRequestHead each request head as written (aehttp -v prints
// both); [Response.RawHead] is the response head as received, from which
// [Response.Header] builds the map on first use.
//
// An idempotent request whose reused connection is closed by the server
// before any response byte arrives is retried once on a new connection,
// with Connection: close and one less redirect budget; its redirect
// hops are not persistent either, as Perl passes persistent => 0.
//
// # Errors
//
// A failed request's Response has Err set to an [*Error], whose
// [Error.Status] gives AnyEvent's code and [Error.Reason] its text; the
// Response's Status and Reason are these views:
//
//	595  resolve, connect (and proxy): "Connection refused",
//	     "No such device or address", "Connection timed out"
//	596  TLS, writing the request, reading the head: "Broken pipe",
//	     "Connection reset by peer", "Connection timed out"
//	597  reading the body: "Broken pipe", "Unexpected end-of-file",
//	     "Garbled chunked transfer encoding"
//	598  OnHeader or OnBody returned Abort
//	599  local: "Unparsable URL", "Only http and https URL schemes
//	     supported", "Too many redirections", "Invalid server response",
//	     "Garbled response headers", and the added safety checks
//	     ("Invalid header value", "Response headers too large", ...)
//
// Errno texts are glibc's wording, as Perl prints them.
//
// # Buffers
//
// Heads and bodies are parsed in the connection's read buffer, without
// copying. A head that arrives whole and uses none of the liberties of
// spec §8 (the usual one) is parsed in one pass (parse_fast.go); any
// other head, or one arriving in pieces, takes the general path that
// reproduces AnyEvent's parsing in full (parse.go). The body
// given to the DoneFunc and the Response's raw header lines share one
// allocation; the header map is built only when [Response.Header] or
// [Response.Get] is first called. Pieces given to OnBody are views valid
// only until OnBody returns.
//
// # Differences from AnyEvent::HTTP
//
// Deliberate, each with the weakness it fixes (spec Appendix B); the
// Compat flag named with it switches [Client.Compat] back to AnyEvent's
// behaviour. See also the parsers' notes on strictness and
// the cookie package for its own differences (RFC 6265 domain and path
// matching, W3, W4).
//
//   - Every callback is asynchronous, early errors included (W23).
//   - A method, URL or header field that would split the request or
//     inject headers fails with 599 before touching the network (W5).
//   - Every 1xx but 101 is skipped; AnyEvent skips only 100 and returns
//     e.g. a 103 as final, leaving the real response on the connection
//     (W8, [CompatInterim]).
//   - A connection with bytes left after its response is never pooled,
//     so they cannot become the next request's response (W8, T25, T38);
//     bytes that reach a reused connection before any of its request
//     went out (a read that ended one response followed at once by one
//     that finds more) close it, and the request, of any method, starts
//     again on a new connection as the retry does, without spending a
//     redirect: none of it was sent.
//   - Bytes past the Content-Length are not handed to OnBody (W8,
//     [CompatOnBody]).
//   - An invalid Content-Length ("abc", "-1", disagreeing duplicates)
//     fails with 597 "Invalid Content-Length" instead of meaning 0 (or a
//     Perl number); on a redirect that is followed, the error is kept in
//     the Redirect hop and the redirect followed, as AnyEvent does with
//     the errors its body parser finds (spec §9.4). Transfer-Encoding is
//     chunked only when chunked is the final coding (RFC 9112), not
//     whenever the word occurs (W8, [CompatFraming]).
//   - A response that arrives while the request is still being sent, from
//     a server that then closes the connection (a 413 refusing an
//     upload), is the result: the client reads what the socket holds
//     before it reports the failed write. AnyEvent fails with 596 and the
//     errno text (spec §12); curl shows the response too.
//   - A connection is never pooled after 101 Switching Protocols, after
//     ambiguous framing (Transfer-Encoding with Content-Length, or in an
//     HTTP/1.0 response: RFC 9112 §6.1, §6.3), or while request bytes
//     are still unsent (a server that answered before it read the whole
//     body) (W8). A Connection field in the trailers may close a
//     connection the head kept, not keep one the head closed.
//   - Every relative Location is resolved with RFC 3986: AnyEvent cuts
//     path+query at its last "/" ("next" against "/dir/page?next=/foo"
//     is "/dir/page?next=/next", here "/dir/next") (W16,
//     [CompatLocation]), and fails references starting with ".", "?" or
//     "#" when the URI module is missing (W15, [CompatLocationNoURI]).
//   - A caller's Proxy-Authorization is never sent to an origin; AnyEvent
//     sends it on reused connections (W6, T64).
//   - A redirect hop to another origin (scheme, host or effective port
//     differs from the requested URL's; http to https on the same host
//     is another origin) goes without the caller's Authorization, Cookie
//     and Host headers; the cookie jar still supplies the new URL's
//     cookies. Referer never carries the URL's userinfo (T01 sends
//     "http://LocalHost:P/a/b?q=1"), and a relative Location is
//     resolved against the URL without its userinfo, so neither the
//     headers map nor the next hop's URL keeps "u:pw@". AnyEvent forwards
//     all of them to every hop (W6, [CompatCredentials]).
//   - Response heads, trailers and chunk framing have size limits (W9):
//     [DefaultMaxHeaderBytes], [DefaultMaxHeaderFields]; at most 32
//     interim (1xx) responses are skipped before a request fails with
//     599 "Too many interim responses". OnBody gets a chunk larger than
//     1 MiB in pieces as it arrives, where AnyEvent reads any chunk whole
//     into memory first.
//   - WantBodyHandle's handle has its inactivity timeout disarmed (W13).
//   - OnHeader and OnBody return an [Action] instead of a truthy value.
//   - Header names, methods and hosts are folded in ASCII only (W25); a
//     port above 65535 is an unparsable URL rather than wrapping.
//   - Request headers go out in a fixed order: Host, the caller's
//     headers, Cookie, Referer, User-agent, Content-length, Connection,
//     Te (AnyEvent uses hash order).
//   - [Client.Post] with a nil body sends "Content-Length: 0"; Request
//     with a nil Options.Body is AnyEvent's http_post with an undefined
//     body (no Content-Length).
//   - Names are resolved by the socket package, which trusts the hosts
//     file before DNS (W11); see its package documentation.
//   - https is not supported yet: it fails with 596 "TLS support not
//     available on this system" after connecting. (AnyEvent's default
//     would be TLS without verification, W1; ours will verify.)
//   - Proxies are not supported yet (no http_proxy, no Options.Proxy).
//   - Connections are corked: a request is written when the loop next
//     polls, with the others issued in the same iteration, where AnyEvent
//     writes it at once (push_write); nothing a callback can see changes,
//     and OnRequestHead and PhaseWrite still come in order. A handle
//     handed over by WantBodyHandle is not corked.
//   - Options.Body is read while the request is sent, not copied (a Perl
//     string cannot change under the writer; a Go slice can): it must not
//     be modified until the DoneFunc has run.
package httpc
