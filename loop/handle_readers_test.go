package loop

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// readerCase is one read type fed some input; the reader is pushed once
// per expected delivery (the same Reader value each time), then a
// ReadChunk takes the trailing bytes.
type readerCase struct {
	name string
	mk   func(got *[]string) Reader
	in   string
	want []string
}

func lineRecorder(got *[]string) LineFunc {
	return func(_ *Handle, line, eol []byte) { *got = append(*got, fmt.Sprintf("%s|%s", line, eol)) }
}

func dataRecorder(got *[]string) DataFunc {
	return func(_ *Handle, data []byte) { *got = append(*got, string(data)) }
}

var readerCases = []readerCase{
	{"chunk", func(g *[]string) Reader { return ReadChunk(3, dataRecorder(g)) },
		"abcdef", []string{"abc", "def"}},
	{"chunk zero", func(g *[]string) Reader { return ReadChunk(0, dataRecorder(g)) },
		"", []string{""}},
	{"line", func(g *[]string) Reader { return ReadLine(lineRecorder(g)) },
		"one\r\ntwo\nthree\r\r\n\n", []string{"one|\r\n", "two|\n", "three\r|\r\n", "|\n"}},
	{"line eol", func(g *[]string) Reader { return ReadLineEOL("--", lineRecorder(g)) },
		"a-b--c--", []string{"a-b|--", "c|--"}},
	{"line eol head", func(g *[]string) Reader { return ReadLineEOL("\r\n\r\n", lineRecorder(g)) },
		"h1\r\nh2\r\n\r\n\r\n\r\n", []string{"h1\r\nh2|\r\n\r\n", "|\r\n\r\n"}},
	{"line regexp", func(g *[]string) Reader { return ReadLineRegexp(regexp.MustCompile(`\r?\n|;`), lineRecorder(g)) },
		"a;b\r\nc\n", []string{"a|;", "b|\r\n", "c|\n"}},
	{"regexp accept", func(g *[]string) Reader {
		return ReadRegexp(regexp.MustCompile(`\d+;`), nil, nil, dataRecorder(g))
	}, "ab12;x3;", []string{"ab12;", "x3;"}},
	{"regexp skip", func(g *[]string) Reader {
		return ReadRegexp(regexp.MustCompile(`END`), nil, regexp.MustCompile(`x+`), dataRecorder(g))
	}, "xxxaENDxEND", []string{"xxxaEND", "xEND"}},
}

// feedModes write the input whole, one byte per loop iteration, or whole
// with the trailing bytes in the same write.
var feedModes = []string{"whole", "bytewise"}

func TestHandleReadTypes(t *testing.T) {
	for _, tc := range readerCases {
		for _, mode := range feedModes {
			t.Run(tc.name+"/"+mode, func(t *testing.T) { runReaderCase(t, tc, mode) })
		}
	}
}

func runReaderCase(t *testing.T, tc readerCase, mode string) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{OnError: ev.onError()})
	var got []string
	r := tc.mk(&got)
	for range tc.want {
		h.PushRead(r)
	}
	trail := ""
	h.PushRead(ReadChunk(5, func(_ *Handle, data []byte) { trail = string(data) }))
	in := tc.in + "TRAIL"
	if mode == "whole" {
		hsWrite(t, b, in)
	} else {
		for i := range len(in) {
			hsWrite(t, b, in[i:i+1])
			hsRun(t, l, 5*time.Second, func() bool { return h.consumed+uint64(len(h.RBuf())) == uint64(i+1) })
		}
	}
	hsRun(t, l, 5*time.Second, func() bool { return trail != "" || len(ev) > 0 })
	if !slices.Equal(got, tc.want) || trail != "TRAIL" || len(ev) > 0 {
		t.Fatalf("got %q trail %q events %v, want %q", got, trail, ev, tc.want)
	}
}

// A reader pushed from inside a read callback runs in the same drain, and
// an unshifted one runs before the readers already queued.
func TestHandlePushAndUnshiftInsideCallback(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, nil)
	var got []string
	rec := dataRecorder(&got)
	h.PushRead(ReadChunk(1, func(h *Handle, d []byte) {
		rec(h, d)
		h.PushRead(ReadChunk(1, rec))
		h.UnshiftRead(ReadChunk(2, rec))
	}))
	h.PushRead(ReadChunk(3, rec))
	hsWrite(t, b, "abcdefg")
	hsRun(t, l, 5*time.Second, func() bool { return len(got) == 4 })
	if !slices.Equal(got, []string{"a", "bc", "def", "g"}) {
		t.Fatalf("got %q", got)
	}
}

// OnRead sees data only while the queue is empty, and readers pushed from
// it take over.
func TestHandleOnReadAndQueue(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var got []string
	h := hsHandle(t, l, a, &HandleOptions{
		OnRead: func(h *Handle) {
			got = append(got, "raw "+string(h.RBuf()[:1]))
			h.Consume(1)
			h.PushRead(ReadChunk(2, func(_ *Handle, d []byte) { got = append(got, "chunk "+string(d)) }))
		},
	})
	hsWrite(t, b, "abcdef")
	hsRun(t, l, 5*time.Second, func() bool { return len(got) == 4 })
	if !slices.Equal(got, []string{"raw a", "chunk bc", "raw d", "chunk ef"}) {
		t.Fatalf("got %q", got)
	}
	h.SetOnRead(nil)
	hsWrite(t, b, "zz")
	hsRunFor(t, l, 50*time.Millisecond)
	if len(got) != 4 || h.w.Interest()&Read != 0 {
		t.Fatalf("read with no reader: %q, interest %v", got, h.w.Interest())
	}
}

// A reject match raises a non-fatal EBADMSG and the reader keeps waiting.
func TestHandleRegexpReject(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var errs []error
	var got []string
	h := hsHandle(t, l, a, &HandleOptions{OnError: func(_ *Handle, fatal bool, err error) {
		if fatal {
			t.Errorf("fatal %v", err)
		}
		errs = append(errs, err)
	}})
	h.PushRead(ReadRegexp(regexp.MustCompile(`OK`), regexp.MustCompile(`BAD`), nil, dataRecorder(&got)))
	hsWrite(t, b, "xBAD")
	hsRun(t, l, 5*time.Second, func() bool { return len(errs) > 0 })
	if !errors.Is(errs[0], syscall.EBADMSG) || ErrorText(errs[0]) != "Bad message" || h.Destroyed() {
		t.Fatalf("error %v (%q)", errs[0], ErrorText(errs[0]))
	}
	hsWrite(t, b, "OK")
	hsRun(t, l, 5*time.Second, func() bool { return len(got) > 0 })
	if got[0] != "xBADOK" {
		t.Fatalf("got %q", got)
	}
}

// The resumable line scan stays right when another reader consumed input
// between two scans of the same line reader.
func TestHandleLineScanResumesAfterForeignConsume(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, nil)
	var got []string
	line := ReadLineEOL("\r\n", lineRecorder(&got))
	h.PushRead(line)
	hsWrite(t, b, "abcdef\r")
	hsRun(t, l, 5*time.Second, func() bool { return len(h.RBuf()) == 7 })
	h.UnshiftRead(ReadChunk(4, dataRecorder(&got)))
	hsWrite(t, b, "\nrest")
	hsRun(t, l, 5*time.Second, func() bool { return len(got) == 2 })
	if !slices.Equal(got, []string{"abcd", "ef|\r\n"}) {
		t.Fatalf("got %q", got)
	}
}

// RBufMax: more unconsumed input than allowed is a fatal ENOSPC.
func TestHandleRBufMax(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{OnError: ev.onError(), RBufMax: 100})
	h.PushRead(ReadLine(func(*Handle, []byte, []byte) { ev.add("line") }))
	hsWrite(t, b, string(make([]byte, 100)))
	hsRunFor(t, l, 50*time.Millisecond)
	if len(ev) != 0 {
		t.Fatalf("events %v at the limit", ev)
	}
	hsWrite(t, b, "x")
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !ev.equal("error fatal=true No space left on device") {
		t.Fatalf("events %v", ev)
	}
}

// Leftover input moves from the loop's scratch buffer to the handle, and
// two handles with partial messages keep their own bytes.
func TestHandleLeftoversAreOwnedPerHandle(t *testing.T) {
	l := hsLoop(t)
	a1, b1 := hsPair(t)
	a2, b2 := hsPair(t)
	var got []string
	h1 := hsHandle(t, l, a1, nil)
	h2 := hsHandle(t, l, a2, nil)
	h1.PushRead(ReadLine(lineRecorder(&got)))
	h2.PushRead(ReadLine(lineRecorder(&got)))
	hsWrite(t, b1, "first-")
	hsWrite(t, b2, "second-")
	hsRun(t, l, 5*time.Second, func() bool { return len(h1.RBuf()) == 6 && len(h2.RBuf()) == 7 })
	if h1.onScratch || h2.onScratch || h1.sh.busy {
		t.Fatal("a handle kept the scratch buffer between reads")
	}
	if cap(h1.rbuf) != 6 || cap(h2.rbuf) != 7 {
		t.Fatalf("partial messages held in buffers of %d and %d bytes", cap(h1.rbuf), cap(h2.rbuf))
	}
	hsWrite(t, b2, "half\n")
	hsWrite(t, b1, "half\n")
	hsRun(t, l, 5*time.Second, func() bool { return len(got) == 2 })
	slices.Sort(got)
	if !slices.Equal(got, []string{"first-half|\n", "second-half|\n"}) {
		t.Fatalf("got %q", got)
	}
	if h1.rbuf != nil || h2.rbuf != nil {
		t.Fatal("empty input still holds a buffer")
	}
	unix.Shutdown(b1, unix.SHUT_RDWR)
}

// A message much larger than one read accumulates in the handle's own
// buffer, arriving in pieces, and is delivered whole.
func TestHandleLargeChunkInPieces(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, nil)
	const n = 3 << 20
	want := make([]byte, n+5)
	for i := range want {
		want[i] = byte(i * 7)
	}
	var got []byte
	h.PushRead(ReadChunk(n, func(_ *Handle, d []byte) { got = bytes.Clone(d) }))
	h.PushRead(ReadChunk(5, func(_ *Handle, d []byte) { got = append(got, d...) }))
	go writeAll(b, want)
	hsRun(t, l, 10*time.Second, func() bool { return len(got) == n+5 })
	if !bytes.Equal(got, want) {
		t.Fatal("chunk corrupted")
	}
}
