package httpc

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/anyevent-go/anyevent/loop"
	"github.com/anyevent-go/anyevent/socket"
)

// defaultConnect returns the connector of a request without
// Options.TCPConnect: socket's tcp_connect (spec §15.1) with the client's
// resolver. The addresses are tried one at a time, IPv4 first, each with
// the timeout prepare returns; a host without addresses fails with ENXIO
// (595 "No such device or address"), and when every address fails the
// error is the last attempt's ("Connection refused", "Connection timed
// out").
//
// The connector also tells c when connecting starts: the first prepare
// call, which comes once the name is resolved and the first socket made,
// moves c from PhaseResolve to PhaseConnect.
func (cl *Client) defaultConnect(c *conn) ConnectFunc {
	return func(l *loop.Loop, host string, port int, prepare PrepareFunc, cb func(int, error)) Canceler {
		d := socket.Dialer{Resolver: cl.Resolver, NoSRV: true}
		d.Prepare = func(fd int) time.Duration {
			if c.phase == PhaseResolve {
				c.enter(PhaseConnect)
			}
			return prepare(fd)
		}
		return d.Dial(l, host, strconv.Itoa(port), func(fd int, _ netip.AddrPort, err error) {
			cb(fd, err)
		})
	}
}
