package loop

import (
	"errors"
	"testing"
	"time"
)

// TestCondVarSemantics covers spec T79.
func TestCondVarSemantics(t *testing.T) {
	l := newLoop(t)
	cv := NewCondVar[[]int](l)
	cv.Send([]int{1})
	cv.Send([]int{2, 3})
	got, err := cv.Recv()
	if err != nil || len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("Recv after two sends = %v, %v; want the second value", got, err)
	}

	group := NewCondVar[int](l)
	calls := 0
	group.Begin(func(cv *CondVar[int]) { calls++; cv.Send(7) })
	group.Begin(nil)
	group.End()
	group.End()
	group.End() // extra End: the count goes negative without firing again
	if calls != 1 || !group.Ready() {
		t.Fatalf("group callback ran %d times, ready %v", calls, group.Ready())
	}

	bad := NewCondVar[int](l)
	bad.Croak(errors.New("bad"))
	if _, err := bad.Recv(); err == nil || err.Error() != "bad" {
		t.Fatalf("Recv after Croak: %v", err)
	}

	cbcv := NewCondVar[string](l)
	seen := 0
	cbcv.OnSend(func(cv *CondVar[string]) { seen++ })
	cbcv.Send("a")
	cbcv.Send("b")
	if seen != 1 {
		t.Fatalf("OnSend callback ran %d times, want once", seen)
	}
	late := 0
	cbcv.OnSend(func(*CondVar[string]) { late++ })
	if late != 1 {
		t.Fatal("OnSend on a ready condvar did not run at once")
	}
}

func TestCondVarRecvRunsLoopUntilSent(t *testing.T) {
	l := newLoop(t)
	cv := NewCondVar[string](l)
	l.Timer(10*time.Millisecond, 0, func() { cv.Send("done") })
	v, err := cv.Recv()
	if err != nil || v != "done" {
		t.Fatalf("Recv = %q, %v", v, err)
	}
}

func TestCondVarEndWithoutGroupSends(t *testing.T) {
	l := newLoop(t)
	cv := NewCondVar[int](l)
	cv.Begin(nil)
	cv.Begin(nil)
	l.Defer(cv.End)
	l.Timer(5*time.Millisecond, 0, cv.End)
	if _, err := cv.Recv(); err != nil || !cv.Ready() {
		t.Fatalf("Recv = %v, ready %v", err, cv.Ready())
	}
}

func TestCondVarRecursiveRecvIsRefused(t *testing.T) {
	l := newLoop(t)
	inner := NewCondVar[int](l)
	outer := NewCondVar[error](l)
	l.Defer(func() {
		_, err := inner.Recv()
		outer.Send(err)
	})
	err, _ := outer.Recv()
	if !errors.Is(err, ErrRecursiveWait) {
		t.Fatalf("Recv inside a callback: %v, want ErrRecursiveWait", err)
	}
}
