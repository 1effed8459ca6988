module github.com/geobacter-go/geobacter

go 1.26
