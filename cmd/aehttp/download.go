package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/httpc"
	"github.com/anyevent-go/anyevent/loop"
)

// download streams one response body into an -o file through OnBody, and
// with -C resumes a partial file the way the download example of the
// AnyEvent::HTTP documentation does:
//
//   - If the file exists and is not empty, the request asks for the rest
//     with "Range: bytes=SIZE-" and "If-Unmodified-Since: MTIME".
//   - 206: the server resumed; the body is appended at SIZE (the
//     Content-Range must start there, else the request is aborted).
//   - 200: the server sent the whole file; it is rewritten from the start.
//   - 416: the range is past the end: the file is complete; it is left
//     alone. When the 416 says how long the server's copy is
//     ("Content-Range: bytes */LENGTH") and the file has another length,
//     the file is not that copy: the resume fails (exit 33), the file is
//     kept as it is.
//   - 412: the file changed on the server since the partial copy was
//     made; the partial file is removed (run again to start afresh).
//   - Other statuses never touch the file.
//
// Without -C every final response body is written, whatever its status
// (curl). Either way the file's modification time is set from the
// response's Last-Modified once the transfer ends, even after a broken
// transfer, so that a later -C can ask If-Unmodified-Since.
type download struct {
	path   string
	resume bool
	bar    *progress // nil: no progress bar

	offset  int64 // -C: bytes on disk when the request started
	f       *os.File
	regular bool   // f is a regular file (its size and times are set)
	lastMod string // Last-Modified of the final response
	status  int    // of the final response, once its head arrived
	written int64  // body bytes written by this run
	total   int64  // expected file size, -1 if unknown
	err     error  // first local failure (write error, bad Content-Range)
	errCode int    // exit status for err
}

// prepare adds the resume headers and the streaming callbacks to opts.
func (d *download) prepare(opts *httpc.Options, l *loop.Loop) error {
	d.total = -1
	if d.resume {
		st, err := os.Stat(d.path)
		switch {
		case err == nil && st.Size() > 0:
			d.offset = st.Size()
			opts.Headers = append(opts.Headers[:len(opts.Headers):len(opts.Headers)],
				httpc.HeaderField{Name: "Range", Value: "bytes=" + strconv.FormatInt(d.offset, 10) + "-"},
				httpc.HeaderField{Name: "If-Unmodified-Since", Value: cookie.FormatDate(st.ModTime())})
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return err
		}
	}
	opts.OnHeader = d.onHeader
	opts.OnBody = d.onBody
	if d.bar != nil {
		d.bar.add(d, l)
	}
	return nil
}

// onHeader decides where the body goes (see the type's comment).
func (d *download) onHeader(r *httpc.Response) httpc.Action {
	d.status = r.Status
	d.lastMod, _ = r.Get("last-modified")
	if d.resume && r.Status == 416 {
		cr, _ := r.Get("content-range")
		if _, n := contentRange(cr); n >= 0 && n != d.offset {
			d.fail(fmt.Errorf("resume of %s: the server's copy has %d bytes, the file %d", d.path, n, d.offset), exitRange)
		}
	}
	if d.resume && r.Status/100 != 2 {
		return httpc.Continue // 416, 412, errors: the file is left alone
	}
	start := int64(0)
	if d.offset > 0 && r.Status == 206 {
		cr, _ := r.Get("content-range")
		if from, _ := contentRange(cr); from != d.offset {
			d.fail(fmt.Errorf("resume of %s: server sent %q for a file of %d bytes", d.path, cr, d.offset), exitRange)
			return httpc.Abort
		}
		start = d.offset
	}
	if err := d.open(start); err != nil {
		d.fail(err, exitWrite)
		return httpc.Abort
	}
	if cl, err := strconv.ParseInt(r.Header()["content-length"], 10, 64); err == nil {
		d.total = start + cl
	}
	return httpc.Continue
}

// contentRange reads "bytes FIRST-LAST/LENGTH" or "bytes */LENGTH"
// (RFC 9110 §14.4): the first byte position and the complete length, each
// -1 where the value has none ("*") or it is malformed.
func contentRange(cr string) (first, length int64) {
	spec, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return -1, -1
	}
	rng, total, _ := strings.Cut(spec, "/")
	first = -1
	if f, _, ok := strings.Cut(rng, "-"); ok {
		first = nonNegative(f)
	}
	return first, nonNegative(total)
}

// nonNegative parses a decimal byte count, -1 when s is none.
func nonNegative(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// open opens the file for writing at start, dropping what follows. A file
// that is not regular (/dev/null, a pipe) is written as it is.
func (d *download) open(start int64) error {
	f, err := os.OpenFile(d.path, os.O_WRONLY|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err == nil && st.Mode().IsRegular() {
		d.regular = true
		if err = f.Truncate(start); err == nil {
			_, err = f.Seek(start, io.SeekStart)
		}
	}
	if err != nil {
		f.Close()
		return err
	}
	d.f, d.offset = f, start
	return nil
}

// onBody writes one piece; chunk is only valid during the call.
func (d *download) onBody(chunk []byte, _ *httpc.Response) httpc.Action {
	if d.f == nil {
		return httpc.Continue
	}
	if _, err := d.f.Write(chunk); err != nil {
		d.fail(err, exitWrite)
		return httpc.Abort
	}
	d.written += int64(len(chunk))
	if d.bar != nil {
		d.bar.update(false)
	}
	return httpc.Continue
}

func (d *download) fail(err error, code int) {
	if d.err == nil {
		d.err, d.errCode = err, code
	}
}

// finish ends the download after the completion callback: writes a body
// that bypassed OnBody (a 3xx without Location), closes the file, sets
// its time, handles 412, and returns the download's own exit status.
func (d *download) finish(body []byte, r *httpc.Response, stderr io.Writer) int {
	if d.f == nil && r.Err == nil && (!d.resume || r.Status/100 == 2) {
		if err := d.open(0); err != nil {
			d.fail(err, exitWrite)
		}
	}
	if d.f != nil {
		if _, err := d.f.Write(body); err != nil {
			d.fail(err, exitWrite)
		}
		d.written += int64(len(body))
		if err := d.f.Close(); err != nil {
			d.fail(err, exitWrite)
		}
	}
	if d.regular || (d.resume && d.status == 416 && d.err == nil) {
		d.setTime(stderr)
	}
	if d.resume && d.status == 412 && r.Status == 412 {
		if err := os.Remove(d.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.fail(err, exitWrite)
		}
		d.fail(fmt.Errorf("%s changed on the server: removed the partial file; run again", d.path), exitRange)
	}
	if d.bar != nil {
		d.bar.update(true)
	}
	if d.err != nil {
		fmt.Fprintf(stderr, "aehttp: %s: %v\n", r.URL, d.err)
		return d.errCode
	}
	return exitOK
}

// setTime sets the file's times from Last-Modified, as the Perl example's
// utime does. Only the owner may, so a failure (a writable file of
// someone else's) is a warning, as with curl's --remote-time: the body
// is in the file all the same.
func (d *download) setTime(stderr io.Writer) {
	if t, ok := cookie.ParseDate(d.lastMod); ok {
		if err := os.Chtimes(d.path, t, t); err != nil {
			fmt.Fprintf(stderr, "aehttp: warning: %v\n", err)
		}
	}
}
