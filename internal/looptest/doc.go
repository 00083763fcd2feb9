// Package looptest holds the helpers the tests of the packages built on
// loop share. Only _test.go files import it.
package looptest
