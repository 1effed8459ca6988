package frontend

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"math"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// A table is a package-level variable a kernel may read: unexported, of a number or bool type
// or arrays of them, initialised by a constant expression, and written by no function of its
// package (so by none at all). Package math's coefficient tables (_sin, mPi4, ...) are tables,
// as is a lookup table a kernel's author declares:
//
//	var weights = [5]float32{1, 4, 6, 4, 1}
//
// Each function that reads a table gets its own copy in private memory, filled in its entry
// block: loads at constant indices fold to the constants, a dynamic index reads the copy. A
// variable that is not a table is reported where a kernel uses it, saying why.
type table struct {
	typ   ir.Type     // the variable's type
	elems []tableElem // its non-zero scalars
	pos   token.Pos   // the declaration
	why   string      // not "": why the variable is not a table
}

// tableElem is one scalar of a table: the array indices that reach it, and its value.
type tableElem struct {
	path []int64
	t    *ir.Basic
	bits int64
}

// table returns what the compiler knows of package-level variable g as a table.
func (c *compiler) table(g *ssa.Global) *table {
	if t, ok := c.tables[g]; ok {
		return t
	}
	t := c.makeTable(g)
	c.tables[g] = t
	return t
}

func (c *compiler) makeTable(g *ssa.Global) *table {
	t := &table{pos: g.Pos()}
	obj, ok := g.Object().(*types.Var)
	if !ok || g.Pkg == nil {
		t.why = "it is not a variable of a package"
		return t
	}
	if obj.Exported() {
		t.why = "it is exported, so other packages may write it"
		return t
	}
	vt := obj.Type()
	it, err := c.typeOf(vt)
	if err != nil || !tableType(vt) {
		t.why = "only numbers, bools and arrays of them can be read-only tables"
		return t
	}
	t.typ = it
	if where := c.writtenAt(g); where != "" {
		t.why = "it is written or its address escapes at " + where
		return t
	}
	pkg := c.syntax(g.Pkg.Pkg)
	if pkg == nil {
		t.why = "its declaration is not loaded"
		return t
	}
	expr, found := declaration(pkg, obj)
	if !found {
		t.why = "its declaration is not loaded"
		return t
	}
	if expr != nil {
		if p := c.tableValue(t, pkg.TypesInfo, expr, vt, nil); p.IsValid() {
			t.why = "its initial value is not a constant expression, see " + c.lineOf(p, g.Pos())
			t.elems = nil
		}
	}
	return t
}

// tableType reports whether t is a number or bool, or an array of table types.
func tableType(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsNumeric|types.IsBoolean) != 0 && u.Info()&types.IsComplex == 0
	case *types.Array:
		return tableType(u.Elem())
	}
	return false
}

// syntax returns the loaded package of p, with its syntax and types.
func (c *compiler) syntax(p *types.Package) *packages.Package {
	if c.pkgs == nil {
		c.pkgs = map[*types.Package]*packages.Package{}
		packages.Visit(c.prog.Roots, nil, func(lp *packages.Package) {
			if lp.Types != nil {
				c.pkgs[lp.Types] = lp
			}
		})
	}
	return c.pkgs[p]
}

// declaration finds the initial value of package-level variable obj in pkg's syntax: the
// expression, or nil for the zero value; found is false when the declaration is not there.
func declaration(pkg *packages.Package, obj *types.Var) (expr ast.Expr, found bool) {
	for _, f := range pkg.Syntax {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if pkg.TypesInfo.Defs[name] != obj {
						continue
					}
					switch {
					case len(vs.Values) == 0:
						return nil, true
					case len(vs.Values) == len(vs.Names):
						return vs.Values[i], true
					default:
						return &ast.BadExpr{From: vs.Pos(), To: vs.End()}, true // x, y = f()
					}
				}
			}
		}
	}
	return nil, false
}

// tableValue records in t the scalars of expr, of type typ, at path. It returns the position of
// the first part that is not constant, or token.NoPos.
func (c *compiler) tableValue(t *table, info *types.Info, expr ast.Expr, typ types.Type, path []int64) token.Pos {
	expr = ast.Unparen(expr)
	if tv, ok := info.Types[expr]; ok && tv.Value != nil {
		it, err := c.typeOf(typ)
		bt, basic := it.(*ir.Basic)
		if err != nil || !basic {
			return expr.Pos()
		}
		if bits := constBits(bt, tv.Value); bits != 0 {
			t.elems = append(t.elems, tableElem{path: append([]int64(nil), path...), t: bt, bits: bits})
		}
		return token.NoPos
	}
	lit, ok := expr.(*ast.CompositeLit)
	arr, isArray := typ.Underlying().(*types.Array)
	if !ok || !isArray {
		return expr.Pos()
	}
	next := int64(0)
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			tv := info.Types[kv.Key]
			if tv.Value == nil {
				return kv.Key.Pos()
			}
			next, _ = constant.Int64Val(constant.ToInt(tv.Value))
			e = kv.Value
		}
		if p := c.tableValue(t, info, e, arr.Elem(), append(path, next)); p.IsValid() {
			return p
		}
		next++
	}
	return token.NoPos
}

// constBits encodes constant v of type t as an ir.OpConst of t does.
func constBits(t *ir.Basic, v constant.Value) int64 {
	switch {
	case t.Kind == ir.Bool:
		return ir.ConstBits(t, boolBits(constant.BoolVal(v)))
	case t.Kind == ir.Float32:
		f, _ := constant.Float32Val(constant.ToFloat(v))
		return int64(math.Float32bits(f))
	case t.Kind == ir.Float64:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		return int64(math.Float64bits(f))
	case t.IsSigned():
		n, _ := constant.Int64Val(constant.ToInt(v))
		return ir.ConstBits(t, n)
	default:
		n, _ := constant.Uint64Val(constant.ToInt(v))
		return ir.ConstBits(t, int64(n))
	}
}

// writtenAt returns "file:line" of a place in g's package where g is written or its address
// escapes (is anything but loaded from, or indexed and loaded from), or "" when there is none. The
// package initializer, which stores the declared value, is not looked at.
func (c *compiler) writtenAt(g *ssa.Global) string {
	g.Pkg.Build()
	for _, f := range packageFuncs(g.Pkg) {
		if f.Synthetic == "package initializer" {
			continue
		}
		for _, b := range f.Blocks {
			for _, in := range b.Instrs {
				for _, op := range in.Operands(nil) {
					if *op == ssa.Value(g) && !readOnly(in) {
						return c.lineOf(in.Pos(), f.Pos())
					}
				}
			}
		}
	}
	return ""
}

// readOnly reports whether instruction in, which uses a pointer into a table, only reads
// through it: loads, addresses of elements only read, and phis of pointers only read (math.pzero
// picks one of several tables).
func readOnly(in ssa.Instruction) bool { return readOnlyFrom(in, map[ssa.Instruction]bool{}) }

func readOnlyFrom(in ssa.Instruction, seen map[ssa.Instruction]bool) bool {
	if seen[in] {
		return true
	}
	seen[in] = true
	switch in := in.(type) {
	case *ssa.UnOp:
		return in.Op == token.MUL
	case *ssa.IndexAddr, *ssa.FieldAddr, *ssa.Phi:
		v := in.(ssa.Value)
		for _, r := range *v.Referrers() {
			if !readOnlyFrom(r, seen) {
				return false
			}
		}
		return true
	case *ssa.DebugRef:
		return true
	}
	return false
}

// packageFuncs returns every function of p with a body: its functions, the methods of its
// types, and the closures in them.
func packageFuncs(p *ssa.Package) []*ssa.Function {
	var out []*ssa.Function
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		if f == nil {
			return
		}
		out = append(out, f)
		for _, a := range f.AnonFuncs {
			add(a)
		}
	}
	for _, m := range p.Members {
		switch m := m.(type) {
		case *ssa.Function:
			add(m)
		case *ssa.Type:
			for _, t := range []types.Type{m.Type(), types.NewPointer(m.Type())} {
				ms := p.Prog.MethodSets.MethodSet(t)
				for i := range ms.Len() {
					if f := p.Prog.MethodValue(ms.At(i)); f != nil && f.Pkg == p {
						add(f)
					}
				}
			}
		}
	}
	return out
}

// initTables gives each table the function reads a private copy, filled in the entry block.
func (l *fn) initTables() {
	seen := map[*ssa.Global]bool{}
	for _, b := range l.sf.Blocks {
		if !l.live[b] {
			continue
		}
		for _, in := range b.Instrs {
			for _, op := range in.Operands(nil) {
				g, ok := (*op).(*ssa.Global)
				if !ok || seen[g] {
					continue
				}
				seen[g] = true
				if t := l.c.table(g); t.why == "" {
					l.vals[g] = l.tableCopy(t)
				}
			}
		}
	}
}

// tableCopy makes a private copy of table t in the entry block.
func (l *fn) tableCopy(t *table) *ir.Value {
	saved := l.cur
	defer func() { l.cur = saved }()
	l.cur = l.f.Entry()
	p := l.add(ir.OpLocal, &ir.Pointer{Elem: t.typ, Space: ir.Private}, t.pos)
	for _, e := range t.elems {
		q := p
		for _, i := range e.path {
			elem := q.Type.(*ir.Pointer).Elem.(*ir.Array).Elem
			q = l.add(ir.OpIndexAddr, &ir.Pointer{Elem: elem, Space: ir.Private}, t.pos, q, l.i64(i))
		}
		l.add(ir.OpStore, ir.Void, t.pos, q, l.constant(e.t, e.bits))
	}
	return p
}

// globalError reports the use of package-level variable g, which is not a table.
func (l *fn) globalError(p token.Pos, g *ssa.Global) {
	why := ""
	if t := l.c.table(g); t.why != "" {
		why = fmt.Sprintf(" (%s)", t.why)
	}
	l.errorf(p, msgGlobal, g.Name(), why)
}
