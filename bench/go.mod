module github.com/anyevent-go/anyevent/bench

go 1.26.0

require (
	github.com/anyevent-go/anyevent v0.0.0-00010101000000-000000000000
	github.com/tidwall/evio v1.0.8
	github.com/valyala/fasthttp v1.79.0
	golang.org/x/sys v0.50.0
)

require (
	github.com/kavu/go_reuseport v1.5.0 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/molecule-man/go-brrr v1.3.1 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/anyevent-go/anyevent => ../
