package server

import (
	"bytes"
	"strconv"
)

// Body is what every HTTP request is answered with.
const Body = "hello world\n"

var (
	okResponse = []byte("HTTP/1.1 200 OK\r\nServer: evio-bench\r\nContent-Type: text/plain\r\nContent-Length: " +
		strconv.Itoa(len(Body)) + "\r\n\r\n" + Body)
	closeResponse = []byte("HTTP/1.1 200 OK\r\nServer: evio-bench\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(Body)) + "\r\n\r\n" + Body)
	badResponse = []byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
)

// maxHead bounds a request head; a longer one is answered with 400.
const maxHead = 16 << 10

// httpConn is the per-connection parse state: bytes of an unfinished
// request, and how many body bytes of the current request remain to skip.
type httpConn struct {
	pending []byte
	skip    int
}

// feed consumes in and appends the responses for every complete request to
// out. closeAfter reports that the connection must close after out is sent.
func (c *httpConn) feed(in, out []byte) (_ []byte, closeAfter bool) {
	data := in
	if len(c.pending) > 0 {
		c.pending = append(c.pending, in...)
		data = c.pending
	}
	for len(data) > 0 {
		if c.skip > 0 {
			n := min(c.skip, len(data))
			c.skip -= n
			data = data[n:]
			continue
		}
		end := bytes.Index(data, []byte("\r\n\r\n"))
		if end < 0 {
			if len(data) > maxHead {
				return append(out, badResponse...), true
			}
			break
		}
		head := data[:end+2]
		data = data[end+4:]
		length, closeReq, ok := scanHead(head)
		if !ok {
			return append(out, badResponse...), true
		}
		c.skip = length
		if closeReq {
			return append(out, closeResponse...), true
		}
		out = append(out, okResponse...)
	}
	c.pending = append(c.pending[:0], data...)
	return out, false
}

// scanHead checks the request line and reads Content-Length and
// Connection: close from the header lines of head (which ends in CRLF).
func scanHead(head []byte) (length int, closeReq, ok bool) {
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	if bytes.Count(line, []byte(" ")) != 2 || !bytes.HasPrefix(line[bytes.LastIndexByte(line, ' ')+1:], []byte("HTTP/1.")) {
		return 0, false, false
	}
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			return 0, false, false
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				return 0, false, false
			}
			length = n
		case bytes.EqualFold(name, []byte("Connection")):
			closeReq = bytes.EqualFold(value, []byte("close"))
		}
	}
	return length, closeReq, true
}
