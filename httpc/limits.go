package httpc

// Limits of the byte-level parsers (spec Appendix B W9, STYLE B7.4).
// AnyEvent::HTTP has none of them: a peer could make it buffer an endless
// head or trailer section, or stream chunk framing that carries no data.
// Each limit is generous enough that no real server reaches it.
const (
	// DefaultMaxHeaderBytes bounds a response head, status line and empty
	// line included, and separately the trailer section of a chunked body.
	// It is below net/http's 1 MiB (DefaultMaxHeaderBytes there is for
	// servers; http.Transport allows 10 MiB) because a reactor buffers one
	// head per connection and many connections at once; real heads are a
	// few hundred bytes, cookie-heavy ones a few KiB. Exceeding it fails
	// the request with 599 "Response headers too large" (597 "Response
	// trailers too large" for trailers).
	DefaultMaxHeaderBytes = 64 << 10

	// DefaultMaxHeaderFields bounds the number of field lines of a head or
	// trailer section. With 64 KiB of head a peer could send 32768 empty
	// ":" lines; this keeps the caller's []field and the map built from it
	// small. Real responses carry well under 100 fields (Node.js allows
	// 2000, Apache 100 for requests). Exceeding it fails with 599 "Too
	// many response headers" (597 for trailers).
	DefaultMaxHeaderFields = 1000

	// maxChunkLine bounds one chunk-size line: hex digits, extensions,
	// anything AnyEvent ignores up to the LF, and the LF itself. net/http
	// uses the same 4096 bytes for its chunked reader; extensions are
	// never longer than a few dozen bytes in practice.
	maxChunkLine = 4096

	// chunkOverheadFloor and chunkOverheadRatio bound the framing bytes of
	// a chunked body (size lines, CRLFs after data, trailers) relative to
	// its data bytes, after a floor: once the overhead passes the floor it
	// may not exceed ratio times the data. This stops a stream that keeps
	// the connection busy with framing but delivers (almost) no data,
	// which no inactivity timeout catches (picohttpparser's
	// _total_overhead check). The ratio allows 1-byte chunks with short
	// extensions ("1;x\r\na\r\n" is 7 bytes of overhead per data byte).
	chunkOverheadFloor = 100 << 10
	chunkOverheadRatio = 8

	// maxInterimResponses bounds the 1xx heads skipped before the final
	// response of one request. Each of them is I/O that resets the
	// inactivity timeout, so a peer sending 103 Early Hints without end
	// would hold the request open for good; real servers send one or two.
	// Exceeding it fails with 599 "Too many interim responses".
	maxInterimResponses = 32
)
