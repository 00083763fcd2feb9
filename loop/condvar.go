package loop

// CondVar is AnyEvent's condition variable: a value that becomes ready
// once, and a way to run the loop until it does. Send (or Croak) makes it
// ready; Recv runs the loop until then. Begin and End count outstanding
// work, and the last End sends. A CondVar belongs to its loop's goroutine.
type CondVar[T any] struct {
	l       *Loop
	ready   bool
	val     T
	err     error
	cb      func(*CondVar[T])
	group   func(*CondVar[T])
	counter int
}

// NewCondVar returns a condition variable of loop l.
func NewCondVar[T any](l *Loop) *CondVar[T] { return &CondVar[T]{l: l} }

// Send stores v and marks cv ready; a later Send overwrites the value, as in
// AnyEvent. The callback set by [CondVar.OnSend], if any, runs once, now.
func (cv *CondVar[T]) Send(v T) {
	cv.val, cv.err, cv.ready = v, nil, true
	cv.fire()
}

// Croak stores err, marks cv ready and wakes the receiver, who gets err.
func (cv *CondVar[T]) Croak(err error) {
	var zero T
	cv.val, cv.err, cv.ready = zero, err, true
	cv.fire()
}

func (cv *CondVar[T]) fire() {
	cv.l.interrupt = true // a Recv waiting in this iteration must not sleep
	if cb := cv.cb; cb != nil {
		cv.cb = nil
		cb(cv)
	}
}

// Ready reports whether Send or Croak has happened.
func (cv *CondVar[T]) Ready() bool { return cv.ready }

// Recv runs the loop until cv is ready and returns the value sent or the
// error croaked. Called from inside a loop callback it returns
// [ErrRecursiveWait] instead of stalling the loop. A loop error (or a
// closed loop) ends the wait with that error.
func (cv *CondVar[T]) Recv() (T, error) {
	for !cv.ready {
		if err := cv.l.RunOnce(true); err != nil {
			var zero T
			return zero, err
		}
	}
	return cv.val, cv.err
}

// OnSend sets the function called when cv becomes ready; if it already is,
// cb runs at once. The callback runs once and is then forgotten.
func (cv *CondVar[T]) OnSend(cb func(*CondVar[T])) {
	cv.cb = cb
	if cv.ready {
		cv.fire()
	}
}

// Begin counts one more piece of outstanding work. A non-nil group replaces
// the function End calls when the count returns to zero; without one, End
// sends the zero value.
func (cv *CondVar[T]) Begin(group func(*CondVar[T])) {
	cv.counter++
	if group != nil {
		cv.group = group
	}
}

// End counts one piece of work done. When the count reaches exactly zero it
// calls the group function, or Send with the zero value if there is none.
// Extra Ends drive the count negative without firing again.
func (cv *CondVar[T]) End() {
	cv.counter--
	if cv.counter != 0 {
		return
	}
	if cv.group != nil {
		cv.group(cv)
		return
	}
	var zero T
	cv.Send(zero)
}
