// Package nginx runs a private nginx on a loopback port for the tests and
// the benchmarks that use it as a real peer (ARCHITECTURE decision 6):
// one process that is its own worker (master_process off, so that on a
// 2-core machine it stays on the CPU it is given), in the foreground, with
// its pid file, error log and temporary files in a directory of the
// caller's and no access log. The caller writes the http block; the rest
// of the configuration is the same everywhere, with every path quoted.
//
// Start picks a free port, starts nginx and waits for its pid file (nginx
// writes it after binding its sockets) and a connection to the port. A
// configuration error ends the wait as soon as nginx exits, with nginx's
// words in the error; a port someone else took in the meantime makes nginx
// fail to bind, and Start tries again with another port.
package nginx
