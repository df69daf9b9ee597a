module github.com/sockplay/sockplay

go 1.26.0

require (
	github.com/yuin/gopher-lua v1.1.2 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
