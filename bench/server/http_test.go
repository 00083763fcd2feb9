package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFeedAnswersPipelinedAndSplitRequests(t *testing.T) {
	req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	post := "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
	stream := req + post + req
	for split := 1; split < len(stream); split++ {
		var c httpConn
		out, _ := c.feed([]byte(stream[:split]), nil)
		out, closeAfter := c.feed([]byte(stream[split:]), out)
		if closeAfter || strings.Count(string(out), "HTTP/1.1 200 OK") != 3 {
			t.Fatalf("split %d: %d responses, close %v", split, strings.Count(string(out), "200 OK"), closeAfter)
		}
	}
}

func TestFeedRejectsGarbageAndHonoursClose(t *testing.T) {
	var c httpConn
	out, closeAfter := c.feed([]byte("nonsense\r\n\r\n"), nil)
	if !closeAfter || !strings.HasPrefix(string(out), "HTTP/1.1 400") {
		t.Fatalf("garbage: %q close %v", out, closeAfter)
	}
	c = httpConn{}
	out, closeAfter = c.feed([]byte("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), nil)
	if !closeAfter || !strings.Contains(string(out), "Connection: close") {
		t.Fatalf("close request: %q close %v", out, closeAfter)
	}
}

// TestServeWithNetHTTP checks the real server against Go's client over
// keep-alive loopback connections.
func TestServeWithNetHTTP(t *testing.T) {
	addrc := make(chan net.Addr, 1)
	go Serve("127.0.0.1:0", HTTP, func(a net.Addr) { addrc <- a })
	var addr net.Addr
	select {
	case addr = <-addrc:
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for range 20 {
		resp, err := client.Get("http://" + addr.String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != Body {
			t.Fatalf("status %d body %q", resp.StatusCode, body)
		}
	}
	// Echo mode on another port.
	go Serve("127.0.0.1:0", Echo, func(a net.Addr) { addrc <- a })
	echo := <-addrc
	conn, err := net.DialTimeout("tcp", echo.String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	conn.Write([]byte("ping\n"))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || line != "ping\n" {
		t.Fatalf("echo: %q %v", line, err)
	}
}
