package loop

// Per-loop state of the packages built on the loop. A package that needs
// one of something per loop (socket's default resolver) keeps it here,
// with the loop, instead of in a global map keyed by *Loop: it is garbage
// once the loop is, and an OnClose function can release what it holds
// (file descriptors) when the loop is closed.

// SetValue stores val under key, replacing any earlier value; a nil val
// removes key. Keys compare as map keys do; use an unexported type, as
// with context.WithValue, so that packages cannot collide. Call it on the
// loop's goroutine (or before the loop runs).
func (l *Loop) SetValue(key, val any) {
	if val == nil {
		delete(l.values, key)
		return
	}
	if l.values == nil {
		l.values = make(map[any]any)
	}
	l.values[key] = val
}

// Value returns the value stored under key by [Loop.SetValue], or nil.
func (l *Loop) Value(key any) any { return l.values[key] }

// OnClose arranges for fn to run when [Loop.Close] is called, before the
// poller is closed, so fn may still stop watchers and close the file
// descriptors it owns. Functions run in reverse order of registration,
// like deferred calls, on the goroutine that calls Close; Close then drops
// every value. OnClose on a closed loop runs fn at once.
func (l *Loop) OnClose(fn func()) {
	if l.closed {
		fn()
		return
	}
	l.onClose = append(l.onClose, fn)
}

// runOnClose runs the OnClose functions, last first, and forgets the
// values; functions they register run too.
func (l *Loop) runOnClose() {
	for len(l.onClose) > 0 {
		fn := l.onClose[len(l.onClose)-1]
		l.onClose[len(l.onClose)-1] = nil
		l.onClose = l.onClose[:len(l.onClose)-1]
		fn()
	}
	l.values = nil
}
