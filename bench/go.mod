module github.com/anyevent-go/anyevent/bench

go 1.26.0

require (
	github.com/anyevent-go/anyevent v0.0.0-00010101000000-000000000000
	github.com/tidwall/evio v1.0.8
	golang.org/x/sys v0.49.0
)

require github.com/kavu/go_reuseport v1.5.0 // indirect

replace github.com/anyevent-go/anyevent => ../
