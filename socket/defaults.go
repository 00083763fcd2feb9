package socket

import (
	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
)

// resolverKey is the loop value key of a loop's defaultResolver.
type resolverKey struct{}

// defaultResolver is a loop's default resolver, kept as a value of the
// loop so that it lives and dies with it.
type defaultResolver struct {
	r    *dns.Resolver
	made bool // DefaultResolver made r: the loop's Close closes it
}

// DefaultResolver returns the resolver [TCPConnect] and a [Dialer] without
// a Resolver use on l: the one installed with [SetDefaultResolver], or one
// made from [dns.SystemConfig] on first use (AnyEvent's
// AnyEvent::DNS::resolver, one per loop here). Call it on l's goroutine.
//
// The resolver is kept with l (a [loop.Loop.Value]), not in a global
// table: closing l closes a resolver made here (its idle sockets) and
// lets both be collected.
func DefaultResolver(l *loop.Loop) (*dns.Resolver, error) {
	d := loopDefaults(l)
	if d.r != nil {
		return d.r, nil
	}
	r, err := dns.NewResolver(l, nil)
	if err != nil {
		return nil, err
	}
	d.r, d.made = r, true
	return r, nil
}

// SetDefaultResolver makes r the default resolver of l; nil forgets the
// current one. A forgotten resolver is not closed: lookups already running
// on it finish normally. Closing l does not close a resolver installed
// here; its owner does. Call it on l's goroutine (or before l runs).
func SetDefaultResolver(l *loop.Loop, r *dns.Resolver) {
	d := loopDefaults(l)
	d.r, d.made = r, false
}

// loopDefaults returns l's defaultResolver record, making it (and the
// OnClose function that closes a resolver made by DefaultResolver) on
// first use.
func loopDefaults(l *loop.Loop) *defaultResolver {
	if d, ok := l.Value(resolverKey{}).(*defaultResolver); ok {
		return d
	}
	d := new(defaultResolver)
	l.SetValue(resolverKey{}, d)
	l.OnClose(func() {
		if d.made {
			d.r.Close()
		}
		d.r = nil
	})
	return d
}
