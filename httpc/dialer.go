package httpc

import (
	"net/netip"
	"syscall"
	"time"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
)

// dialer is the default connector: resolve the host (IP literals need no
// lookup), then connect address by address until one succeeds; the error
// is the last attempt's (spec §15.1). It stands in for socket.TCPConnect,
// which will replace it behind the same ConnectFunc shape.
type dialer struct {
	l       *loop.Loop
	c       *conn // told when connecting starts (PhaseResolve → PhaseConnect)
	port    int
	prepare PrepareFunc
	cb      func(fd int, err error)
	addrs   []netip.Addr
	next    int
	q       *dns.Query
	att     *loop.Connecting
	done    bool
}

// defaultConnect returns the ConnectFunc used when the request has none.
func (cl *Client) defaultConnect(c *conn) ConnectFunc {
	return func(l *loop.Loop, host string, port int, prepare PrepareFunc, cb func(int, error)) Canceler {
		d := &dialer{l: l, c: c, port: port, prepare: prepare, cb: cb}
		if ip, err := netip.ParseAddr(host); err == nil {
			d.addrs = []netip.Addr{ip}
			d.connectNext(nil)
			return d
		}
		r, err := cl.resolver()
		if err != nil {
			l.Defer(func() { d.finish(-1, err) })
			return d
		}
		d.q = r.LookupNetIP("ip", host, d.resolved)
		return d
	}
}

func (d *dialer) resolved(addrs []netip.Addr, err error) {
	d.q = nil
	if len(addrs) == 0 {
		d.finish(-1, syscall.ENXIO) // AnyEvent: "No such device or address"
		return
	}
	d.addrs = addrs
	d.connectNext(nil)
}

// connectNext tries the next address, or reports lastErr when none is
// left.
func (d *dialer) connectNext(lastErr error) {
	if d.done {
		return
	}
	if d.next >= len(d.addrs) {
		d.finish(-1, lastErr)
		return
	}
	if d.c != nil && d.c.phase == PhaseResolve {
		d.c.enter(PhaseConnect)
	}
	ap := netip.AddrPortFrom(d.addrs[d.next], uint16(d.port))
	d.next++
	var opts loop.ConnectOptions
	if d.prepare != nil {
		opts.Prepare = func(fd int) time.Duration {
			t := d.prepare(fd)
			if t <= 0 {
				return -1
			}
			return t
		}
	}
	d.att = d.l.Connect(ap, &opts, d.connected)
}

func (d *dialer) connected(fd int, err error) {
	d.att = nil
	if err != nil {
		d.connectNext(err)
		return
	}
	d.finish(fd, nil)
}

func (d *dialer) finish(fd int, err error) {
	if d.done {
		if fd >= 0 {
			syscall.Close(fd)
		}
		return
	}
	d.done = true
	d.cb(fd, err)
}

// Cancel stops the lookup or connection attempt; the callback never runs.
func (d *dialer) Cancel() {
	d.done = true
	if d.q != nil {
		d.q.Cancel()
		d.q = nil
	}
	if d.att != nil {
		d.att.Cancel()
		d.att = nil
	}
}
