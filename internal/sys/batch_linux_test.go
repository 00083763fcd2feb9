package sys

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// newTestBatch returns a Batch. It skips where the kernel or a sandbox
// refuses io_uring (ENOSYS, EPERM, EACCES) and fails on any other error,
// which would be a setup bug of ours hiding behind the loop's fallback;
// outside CI it skips on every error.
func newTestBatch(t *testing.T, entries uint32) *Batch {
	t.Helper()
	b, err := NewBatch(entries)
	if err != nil {
		refused := errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)
		if os.Getenv("CI") == "true" && !refused {
			t.Fatalf("NewBatch: %v", err)
		}
		t.Skipf("no io_uring here: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// streamPair returns a connected pair of non-blocking stream sockets.
func streamPair(t *testing.T) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// One Submit makes each queued call as recv and send would: data, EAGAIN
// on an empty socket, EPIPE to a closed peer, EBADF on a bad descriptor
// without stopping the calls after it.
func TestBatchMakesEachCall(t *testing.T) {
	b := newTestBatch(t, 8)
	a0, b0 := streamPair(t)
	a1, b1 := streamPair(t)
	a2, b2 := streamPair(t)
	if _, err := Send(a0, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	unix.Close(b2)
	buf0, buf1 := make([]byte, 16), make([]byte, 16)
	b.Recv(b0, buf0)
	b.Recv(b1, buf1)
	b.Send(a1, []byte("xyz"))
	b.Send(a2, []byte("gone"))
	b.Recv(-1, buf1)
	b.Send(a1, []byte("!"))
	if b.Cap() != 8 {
		t.Fatalf("Cap %d, want 8", b.Cap())
	}
	res := make([]int32, 6)
	if made, err := b.Submit(res); made != 6 || err != nil {
		t.Fatalf("Submit made %d calls, %v; want 6", made, err)
	}
	want := []int32{5, -int32(unix.EAGAIN), 3, -int32(unix.EPIPE), -int32(unix.EBADF), 1}
	for i := range want {
		if res[i] != want[i] {
			t.Errorf("call %d: result %d, want %d", i, res[i], want[i])
		}
	}
	if string(buf0[:5]) != "hello" {
		t.Errorf("received %q", buf0[:5])
	}
	got := make([]byte, 16)
	if n, err := Recv(b1, got); err != nil || string(got[:n]) != "xyz!" {
		t.Errorf("peer read %q, %v; want the two sends in order", got[:n], err)
	}
}

// A Batch is reused across many Submits, more than its rings hold, and
// an empty Submit makes no call.
func TestBatchReuse(t *testing.T) {
	b := newTestBatch(t, 4)
	a, c := streamPair(t)
	res := make([]int32, 4)
	if made, err := b.Submit(res); made != 0 || err != nil {
		t.Fatalf("empty Submit: %d, %v", made, err)
	}
	buf := make([]byte, 8)
	for i := range 100 {
		b.Send(a, []byte{byte(i)})
		b.Send(a, []byte{byte(i)})
		b.Recv(c, buf)
		if made, err := b.Submit(res); made != 3 || err != nil {
			t.Fatalf("Submit made %d calls, %v; want 3", made, err)
		}
		if res[0] != 1 || res[1] != 1 || res[2] != 2 || buf[0] != byte(i) || buf[1] != byte(i) {
			t.Fatalf("round %d: results %v, data %v", i, res[:3], buf[:2])
		}
	}
}

// A closed Batch makes none of the calls queued on it and says so.
func TestBatchClosedMakesNoCall(t *testing.T) {
	b := newTestBatch(t, 4)
	a, c := streamPair(t)
	b.Close()
	b.Send(a, []byte("lost?"))
	b.Send(a, []byte("lost?"))
	res := make([]int32, 4)
	if made, err := b.Submit(res); made != 0 || !errors.Is(err, unix.EBADF) {
		t.Fatalf("Submit on a closed Batch: %d made, %v; want 0, EBADF", made, err)
	}
	if n, err := Recv(c, make([]byte, 8)); err != unix.EAGAIN {
		t.Fatalf("the peer read %d bytes (%v): a call was made", n, err)
	}
}

// After a failed wait, the results kept are those the kernel reported
// without a gap from the first call.
func TestMadePrefix(t *testing.T) {
	for _, c := range []struct {
		res  []int32
		want int
	}{
		{[]int32{}, 0},
		{[]int32{notMade, 5}, 0},
		{[]int32{5, -11, notMade, 3}, 2},
		{[]int32{0, -32, 7}, 3},
	} {
		if got := madePrefix(c.res); got != c.want {
			t.Errorf("madePrefix(%v) = %d, want %d", c.res, got, c.want)
		}
	}
}
