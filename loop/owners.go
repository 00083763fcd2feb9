package loop

// fdOwner is an object of the loop that holds an fd of its own without a
// Handle: a Listener, or a connection attempt until it hands its socket
// over. [Loop.Close] releases it.
type fdOwner interface{ releaseFd() }

// own records o as holding an fd until disown.
func (l *Loop) own(o fdOwner) {
	if l.owners == nil {
		l.owners = make(map[fdOwner]struct{})
	}
	l.owners[o] = struct{}{}
}

func (l *Loop) disown(o fdOwner) { delete(l.owners, o) }

// releaseFds closes every fd the loop's objects hold (see [Loop.Close]):
// Handles, found through their watchers, are destroyed without lingering;
// the owners are released; then the closes that waited for the end of an
// iteration are made.
func (l *Loop) releaseFds() {
	var hs []*Handle
	for _, reg := range l.byFd {
		if reg == nil {
			continue
		}
		for _, w := range reg.watchers {
			if w.h != nil {
				hs = append(hs, w.h)
			}
		}
	}
	for _, h := range hs {
		if h.lingering {
			h.endLinger()
			continue
		}
		h.SetLinger(-1)
		h.Destroy()
	}
	for o := range l.owners {
		o.releaseFd()
	}
	l.runClosing()
}
