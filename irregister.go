package geobacter

import "github.com/geobacter-go/geobacter/internal/irsource"

// RegisterIR is called at init by the files that `geobacter gen` writes (geobacter_ir.go): it
// records the encoded IR of a package's kernels, generated from sources with the given hash. It is
// not for other use; its arguments are the generator's business.
func RegisterIR(pkgPath, sourceHash string, data []byte) {
	irsource.Register(pkgPath, sourceHash, data)
}
