package httpc

import (
	"strings"
	"testing"

	"github.com/anyevent-go/anyevent/internal/testserver"
)

// A server that answers an upload before reading it (413) and closes at
// once makes the client's next write fail (the close of a socket with
// unread input resets it): the answer, already in the client's socket, is
// the result, not 596 for the write error (curl shows the 413 too;
// AnyEvent reports the error).
func TestEarlyResponseDuringUpload(t *testing.T) {
	for _, mode := range []string{"close", "reset"} {
		t.Run(mode, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, func(c *testserver.Conn) {
				c.ReadHead()
				c.Write("HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 8\r\n\r\ntoo big!")
				if mode == "reset" {
					c.Reset()
				} // else the script's end closes the connection, its input unread
			})
			url := s.URL("/up")
			res := do(t, l, cl, "POST", url, &Options{Body: []byte(strings.Repeat("x", 16<<20))})
			checkExact(t, res, want{body: "too big!", status: 413, reason: "Payload Too Large", version: "1.1", url: url,
				hdr: map[string]string{"connection": "close", "content-length": "8"}})
			if cl.Active() != 0 || cl.Idle() != 0 {
				t.Errorf("active %d idle %d", cl.Active(), cl.Idle())
			}
		})
	}
}
