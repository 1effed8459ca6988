module github.com/geobacter-go/geobacter

go 1.26

require (
	github.com/ebitengine/purego v0.9.1
	golang.org/x/tools v0.47.0
)

require (
	golang.org/x/mod v0.37.0 // indirect
	golang.org/x/sync v0.21.0 // indirect
)
