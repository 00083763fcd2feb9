// Package fuzzseed keeps the committed seed corpora of the fuzz targets in
// step with the table tests they come from: Sync renders each input in the
// "go test fuzz v1" file format under testdata/fuzz/<target>/seed-<hash>,
// and either checks that the files are there and current or, when the
// test runs with -update-corpus, rewrites them (removing stale seed files;
// files the fuzzer itself added are left alone). Only _test.go files
// import it.
package fuzzseed
