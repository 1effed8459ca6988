package testkernels

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// sources are the corpus's own Go files, read to find the `// want panic` markers.
//
//go:embed *.go lib/*.go
var sources embed.FS

// panicMarker is the trailing comment that marks the line a panic case panics at.
const panicMarker = "// want panic"

// markers maps a function, "dir:Func" or "dir:Type.Method" (dir is "." or "lib"), to the positions
// "file.go:LINE" of the marked lines in its body.
var markers = sync.OnceValues(func() (map[string][]string, error) {
	found := map[string][]string{}
	for _, dir := range []string{".", "lib"} {
		files, err := fs.Glob(sources, path.Join(dir, "*.go"))
		if err != nil {
			return nil, err
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := sources.ReadFile(name)
			if err != nil {
				return nil, err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok {
					continue
				}
				key := dir + ":" + funcName(fd)
				for _, cg := range f.Comments {
					for _, c := range cg.List {
						if c.Text == panicMarker && fd.Pos() <= c.Pos() && c.Pos() < fd.End() {
							found[key] = append(found[key], fmt.Sprintf("%s:%d", path.Base(name), fset.Position(c.Pos()).Line))
						}
					}
				}
			}
		}
	}
	return found, nil
})

// funcName is "Func" for a function and "Type.Method" for a method, without type parameters.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fd.Name.Name
	}
	return fd.Name.Name
}

// panicAt returns "file.go:LINE" of the one line marked `// want panic` in the body of fn
// ("Func" or "Type.Method") in dir ("." or "lib"). A marker that is missing or not alone is a bug
// in the corpus, and panics.
func panicAt(dir, fn string) string {
	found, err := markers()
	if err != nil {
		panic("testkernels: reading the embedded sources: " + err.Error())
	}
	pos := found[dir+":"+fn]
	if len(pos) != 1 {
		panic(fmt.Sprintf("testkernels: %s in %s has %d %q markers (%v); want exactly one", fn, dir, len(pos), panicMarker, pos))
	}
	return pos[0]
}
