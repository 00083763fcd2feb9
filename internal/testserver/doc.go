// Package testserver provides scripted loopback TCP servers for the tests
// of httpc and the commands: each accepted connection runs a script that
// reads the exact bytes of a request and answers with scripted bytes,
// pauses, half-closes, closes, resets or stalls. Servers listen on
// loopback addresses only and run on goroutines of the test process, never
// on the client's loop. Only _test.go files import it.
package testserver
