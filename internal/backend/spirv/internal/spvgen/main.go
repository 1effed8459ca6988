// Command spvgen writes the SPIR-V opcode and enumerant tables of package spirv (tables.go) from
// the machine-readable grammar of the SPIR-V headers (spirv.core.grammar.json and
// extinst.glsl.std.450.grammar.json; Debian: spirv-headers). Run it with `go generate` in
// internal/backend/spirv.
//
//	spvgen [-grammar dir] [-o tables.go]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/geobacter-go/geobacter/internal/backend/spirv/internal/spvgen/gen"
)

func main() {
	dir := flag.String("grammar", gen.DefaultDir, "the directory holding the SPIR-V grammar JSON files")
	out := flag.String("o", "tables.go", "the Go file to write")
	flag.Parse()
	src, err := gen.Generate(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "spvgen: wrote %s from %s\n", *out, filepath.Join(*dir, gen.CoreFile))
}
