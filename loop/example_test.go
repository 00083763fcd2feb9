package loop_test

import (
	"fmt"
	"time"

	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// A host program with its own event loop (here: a plain poll(2) loop) drives
// an anyevent loop by watching its descriptor and running non-blocking
// iterations whenever it is readable or its timeout passed.
func ExampleLoop_Fd() {
	l, _ := loop.New()
	defer l.Close()
	ticks := 0
	l.Timer(5*time.Millisecond, 5*time.Millisecond, func() { ticks++ })
	go l.Post(func() { fmt.Println("posted from another goroutine") })

	for ticks < 3 {
		fds := []unix.PollFd{{Fd: int32(l.Fd()), Events: unix.POLLIN}}
		ms := -1
		if d := l.Timeout(); d >= 0 {
			ms = int((d + time.Millisecond - 1) / time.Millisecond)
		}
		unix.Poll(fds, ms) // the host's own wait, which may watch its fds too
		l.RunOnce(false)
	}
	fmt.Println("ticks:", ticks)
	// Output:
	// posted from another goroutine
	// ticks: 3
}

func Example() {
	l, _ := loop.New()
	defer l.Close()
	cv := loop.NewCondVar[string](l)
	l.Timer(10*time.Millisecond, 0, func() { cv.Send("timer fired") })
	msg, _ := cv.Recv() // runs the loop until Send
	fmt.Println(msg)
	// Output: timer fired
}
