package socket

import (
	"sync"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
)

// defaultResolvers holds the resolver of each loop that needed one without
// being given one. The lock is there because loops run on different
// goroutines; a resolver itself is used only on its loop's.
var defaultResolvers struct {
	sync.Mutex
	byLoop map[*loop.Loop]*dns.Resolver
}

// DefaultResolver returns the resolver [TCPConnect] and a [Dialer] without
// a Resolver use on l: the one installed with [SetDefaultResolver], or one
// made from [dns.SystemConfig] on first use (AnyEvent's
// AnyEvent::DNS::resolver, one per loop here). Call it on l's goroutine.
//
// The resolver stays tied to l until SetDefaultResolver(l, nil); a
// program that makes and closes many loops should call that when it closes
// one.
func DefaultResolver(l *loop.Loop) (*dns.Resolver, error) {
	d := &defaultResolvers
	d.Lock()
	defer d.Unlock()
	if r := d.byLoop[l]; r != nil {
		return r, nil
	}
	r, err := dns.NewResolver(l, nil)
	if err != nil {
		return nil, err
	}
	if d.byLoop == nil {
		d.byLoop = map[*loop.Loop]*dns.Resolver{}
	}
	d.byLoop[l] = r
	return r, nil
}

// SetDefaultResolver makes r the default resolver of l; nil forgets the
// current one. A forgotten resolver is not closed: lookups already running
// on it finish normally.
func SetDefaultResolver(l *loop.Loop, r *dns.Resolver) {
	d := &defaultResolvers
	d.Lock()
	defer d.Unlock()
	if r == nil {
		delete(d.byLoop, l)
		return
	}
	if d.byLoop == nil {
		d.byLoop = map[*loop.Loop]*dns.Resolver{}
	}
	d.byLoop[l] = r
}
