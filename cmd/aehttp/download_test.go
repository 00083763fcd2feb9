package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/internal/testserver"
	"github.com/anyevent-go/anyevent/loop"
)

const (
	fileBody = "hello world"
	lastMod  = "Sun, 06 Nov 1994 08:49:37 GMT"
)

// rangeServer serves fileBody with Last-Modified; mode says how it treats
// Range: "honour" (206), "ignore" (200), "416" (with the length),
// "416-bare" (without), "412" (for any If-Unmodified-Since), "wrong" (206
// from byte 0).
func rangeServer(mode string) testserver.Script {
	return func(c *testserver.Conn) {
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return
			}
			rng, has := wireHeader(req, "Range")
			from, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rng, "bytes="), "-"))
			status, extra, body := "200 OK", "", fileBody
			switch {
			case !has || mode == "ignore":
			case mode == "honour":
				status, extra, body = "206 Partial Content", "Content-Range: bytes "+strconv.Itoa(from)+"-10/11\r\n", fileBody[from:]
			case mode == "wrong":
				status, extra = "206 Partial Content", "Content-Range: bytes 0-10/11\r\n"
			case mode == "416":
				status, extra, body = "416 Range Not Satisfiable", "Content-Range: bytes */11\r\n", ""
			case mode == "416-bare":
				status, body = "416 Range Not Satisfiable", ""
			case mode == "412":
				status, body = "412 Precondition Failed", "changed"
			}
			c.Write("HTTP/1.1 " + status + "\r\nLast-Modified: " + lastMod + "\r\n" + extra +
				"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
		}
	}
}

// partialFile writes content to a file with a known modification time.
func partialFile(t *testing.T, content string) (string, time.Time) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out")
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return path, mtime
}

// TestResume covers -o with -C against servers that honour Range, ignore
// it, find the file complete or changed, or answer the wrong range.
func TestResume(t *testing.T) {
	tests := []struct {
		mode, partial string
		want          string // file content; "-" means removed
		status        int
	}{
		{"honour", "hello", fileBody, exitOK}, // 206 appends
		{"ignore", "hello", fileBody, exitOK}, // 200 restarts the file
		{"honour", "", fileBody, exitOK},      // empty file: no Range
		{"416", fileBody, fileBody, exitOK},   // already complete
		{"416-bare", fileBody, fileBody, exitOK},
		{"416", fileBody + "!", fileBody + "!", exitRange}, // not the server's copy: kept
		{"412", "hello", "-", exitRange},                   // changed: partial file removed
		{"wrong", "hello", "hello", exitRange},             // bad Content-Range: aborted, file kept
	}
	for _, tt := range tests {
		t.Run(tt.mode+"/"+strconv.Itoa(len(tt.partial)), func(t *testing.T) {
			s := startServer(t, rangeServer(tt.mode))
			path, mtime := partialFile(t, tt.partial)
			out, errs, status := aehttp(t, "-C", "-o", path, s.URL("/f"))
			if status != tt.status || out != "" {
				t.Errorf("status %d, want %d; stdout %q, stderr %q", status, tt.status, out, errs)
			}
			got, err := os.ReadFile(path)
			if tt.want == "-" {
				if !os.IsNotExist(err) {
					t.Errorf("partial file not removed: %q, %v", got, err)
				}
			} else if string(got) != tt.want {
				t.Errorf("file %q, want %q (%v)", got, tt.want, err)
			}
			req := s.Requests()[0]
			rng, hasRange := wireHeader(req, "Range")
			ius, _ := wireHeader(req, "If-unmodified-since")
			if tt.partial == "" && hasRange || tt.partial != "" &&
				(rng != "bytes="+strconv.Itoa(len(tt.partial))+"-" || ius != cookie.FormatDate(mtime)) {
				t.Errorf("resume headers: %q", req)
			}
			if st, err := os.Stat(path); err == nil && tt.status == exitOK {
				if want, _ := cookie.ParseDate(lastMod); !st.ModTime().Equal(want) {
					t.Errorf("mtime %v, want Last-Modified %v", st.ModTime(), want)
				}
			} else if err == nil && !st.ModTime().Equal(mtime) {
				t.Errorf("mtime %v of a failed resume, want it kept (%v)", st.ModTime(), mtime)
			}
		})
	}
}

// TestOutputFiles checks -o without -C: one file per URL, every status's
// body written (curl), stdout left for the URLs without -o.
func TestOutputFiles(t *testing.T) {
	s := startServer(t, routes("HTTP/1.1 200 OK\r\nContent-Length: 11\r\nLast-Modified: "+lastMod+"\r\n\r\n"+fileBody,
		map[string]string{"/missing": "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"}))
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("old content, longer than the new"), 0o666); err != nil {
		t.Fatal(err)
	}
	out, errs, status := aehttp(t, "-o", a, "-o", b, s.URL("/f"), s.URL("/missing"), s.URL("/stdout"))
	if status != exitOK || out != fileBody {
		t.Errorf("status %d, stdout %q, stderr %q", status, out, errs)
	}
	for path, want := range map[string]string{a: fileBody, b: "nope"} {
		if got, err := os.ReadFile(path); string(got) != want {
			t.Errorf("%s: %q, want %q (%v)", path, got, want, err)
		}
	}
	if st, err := os.Stat(a); err != nil || st.ModTime().UTC().Format(time.RFC1123) != "Sun, 06 Nov 1994 08:49:37 UTC" {
		t.Errorf("mtime of %s not from Last-Modified: %v %v", a, st.ModTime(), err)
	}
	// /dev/null is written, not truncated; "-" is stdout, in order.
	out, errs, status = aehttp(t, "-o", os.DevNull, "-o", "-", s.URL("/f"), s.URL("/missing"), s.URL("/stdout"))
	if status != exitOK || out != "nope"+fileBody || errs != "" {
		t.Errorf("/dev/null and -: status %d, stdout %q, stderr %q", status, out, errs)
	}
	// An error before the head creates no file.
	c := filepath.Join(dir, "c")
	if _, _, status := aehttp(t, "-o", c, "http://"+closedPort(t)+"/"); status != exitConnect {
		t.Errorf("refused: status %d", status)
	}
	if _, err := os.Stat(c); !os.IsNotExist(err) {
		t.Errorf("refused request created %s", c)
	}
}

// TestProgress checks the progress bar drawn when stderr is a terminal.
func TestProgress(t *testing.T) {
	defer func(f func(any) bool) { isTerminalHook = f }(isTerminalHook)
	isTerminalHook = func(any) bool { return true }
	big := strings.Repeat("x", 300<<10)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(len(big))+"\r\n\r\n"+big))
	path := filepath.Join(t.TempDir(), "big")
	_, errs, status := aehttp(t, "-o", path, s.URL("/big"))
	if status != exitOK || !strings.HasPrefix(errs, "\r") || !strings.HasSuffix(errs, "100% [==============================] 300.0 KiB / 300.0 KiB\n") {
		t.Errorf("status %d, progress %q", status, errs)
	}
	if st, err := os.Stat(path); err != nil || st.Size() != int64(len(big)) {
		t.Errorf("file: %v %v", st, err)
	}
	// Without a terminal (or with -v) there is no bar.
	isTerminalHook = func(any) bool { return false }
	if _, errs, _ := aehttp(t, "-o", path, s.URL("/big")); errs != "" {
		t.Errorf("bar without a terminal: %q", errs)
	}
}

// A shorter redraw rubs out the rest of the longer one, and a message
// rubs out the bar, so that it starts at the line's beginning; the bar
// comes back below it.
func TestProgressRedraw(t *testing.T) {
	l, err := loop.New()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var buf bytes.Buffer
	p := newProgress(&buf)
	d := &download{total: -1, written: 900 << 10}
	p.add(d, l)
	p.update(true)
	long := "[==============] 900.0 KiB"
	d.written = 1 << 20
	p.update(true)
	short := "[================] 1.0 MiB"
	fmt.Fprintln(p, "aehttp: a message")
	p.update(true)
	want := "\r" + long + "\r" + short + strings.Repeat(" ", len(long)-len(short)) +
		"\r" + strings.Repeat(" ", len(long)) + "\raehttp: a message\n\r" + short
	if got := buf.String(); got != want {
		t.Errorf("drew %q\nwant  %q", got, want)
	}
}

func TestRenderBar(t *testing.T) {
	tests := []struct {
		done, total int64
		want        string
	}{
		{0, 100, "  0% [>         ] 0 B / 100 B"},
		{50, 100, " 50% [=====>    ] 50 B / 100 B"},
		{100, 100, "100% [==========] 100 B / 100 B"},
		{3 << 20, 4 << 20, " 75% [=======>  ] 3.0 MiB / 4.0 MiB"},
		{2048, -1, "[] 2.0 KiB"},
	}
	for _, tt := range tests {
		if got := renderBar(tt.done, tt.total, 10); got != tt.want {
			t.Errorf("renderBar(%d, %d) = %q, want %q", tt.done, tt.total, got, tt.want)
		}
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
}
