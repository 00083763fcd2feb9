package server

import (
	"net"

	"github.com/tidwall/evio"
)

// Mode selects what the server does with the bytes it receives.
type Mode int

// The server modes.
const (
	HTTP Mode = iota // answer every request with 200 and Body
	Echo             // write every byte back
)

// Serve runs a single-loop evio server on addr (host:port) until the
// process ends. ready, if not nil, receives the bound address once the
// server accepts connections.
func Serve(addr string, mode Mode, ready func(net.Addr)) error {
	var ev evio.Events
	ev.NumLoops = 1
	ev.Serving = func(s evio.Server) evio.Action {
		if ready != nil && len(s.Addrs) > 0 {
			ready(s.Addrs[0])
		}
		return evio.None
	}
	ev.Opened = func(c evio.Conn) ([]byte, evio.Options, evio.Action) {
		if mode == HTTP {
			c.SetContext(&httpConn{})
		}
		return nil, evio.Options{ReuseInputBuffer: true}, evio.None
	}
	ev.Data = func(c evio.Conn, in []byte) ([]byte, evio.Action) {
		if mode == Echo {
			return in, evio.None
		}
		hc := c.Context().(*httpConn)
		out, closeAfter := hc.feed(in, nil)
		if closeAfter {
			return out, evio.Close
		}
		return out, evio.None
	}
	return evio.Serve(ev, "tcp://"+addr)
}
