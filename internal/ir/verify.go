package ir

import (
	"fmt"
	"strings"
)

// VerifyError lists every problem Verify found. Each problem names where it is: the function,
// the block and the instruction in the text form, such as
//
//	(*main.Saxpy).Kernel b2: %7 = add %3, %5 : i32: operand types i32 and i64 differ
type VerifyError struct {
	Problems []string
}

// Error lists the problems, one a line after the first when there are several.
func (e *VerifyError) Error() string {
	if len(e.Problems) == 1 {
		return "ir: invalid IR: " + e.Problems[0]
	}
	return fmt.Sprintf("ir: invalid IR, %d problems:\n\t%s", len(e.Problems), strings.Join(e.Problems, "\n\t"))
}

// maxTypeSize bounds the size of any type, so that sizes and offsets never overflow.
const maxTypeSize = 1 << 40

// Verify checks that m is well formed and returns a *VerifyError listing every problem, or nil.
//
// It checks the named types (each declared once, laid out as Go lays them out), and for every
// function: blocks end in a terminator of a valid kind with the right controls and successors;
// Preds match Succs edge for edge, and the entry block has none; phis come first in their block,
// with one operand per predecessor, the same one for every edge from one block; params are the
// first values of the entry block, in order; every operand is a value of the same function that
// dominates its use (a phi's operand, the end of its predecessor); every instruction has the
// operands, operand types, result type and aux fields its Op's doc describes, AuxInt is zero and
// Aux nil where the op does not use them (the text form would lose them); calls call a function
// of the module with matching types; returns match the function's result; a kernel takes one
// pointer in Args to a struct and returns nothing; named struct types are declared in m.Types;
// nothing stores through a pointer into Args. Values in a block that the entry does not reach are
// checked for types, but for dominance only within their block.
func Verify(m *Module) error {
	v := newVerifier(m)
	if m == nil {
		v.problem("module is nil")
		return v.result()
	}
	v.types()
	names := map[string]bool{}
	for i, f := range m.Funcs {
		if f == nil {
			v.problem("module: function %d is nil", i)
			continue
		}
		if names[f.Name] {
			v.problem("@%s: function defined twice", quoteName(f.Name))
		}
		names[f.Name] = true
		if f.Module != m {
			v.problem("%s: Func.Module is not the module that holds it", f.Name)
		}
		v.fn(f)
	}
	return v.result()
}

// VerifyFunc checks one function as Verify does; the named types and callees it uses must be
// those of f.Module.
func VerifyFunc(f *Func) error {
	if f == nil {
		return &VerifyError{Problems: []string{"function is nil"}}
	}
	v := newVerifier(f.Module)
	if f.Module == nil {
		v.problem("%s: Func.Module is nil", f.Name)
	}
	v.fn(f)
	return v.result()
}

type verifier struct {
	m        *Module
	problems []string
	declared map[string]*Struct
	funcs    map[*Func]bool
	typeMemo map[Type]string // "" when the type is well formed, else what is wrong
}

func newVerifier(m *Module) *verifier {
	v := &verifier{m: m, declared: map[string]*Struct{}, funcs: map[*Func]bool{}, typeMemo: map[Type]string{}}
	if m != nil {
		for _, t := range m.Types {
			if t != nil && t.Name != "" && v.declared[t.Name] == nil {
				v.declared[t.Name] = t
			}
		}
		for _, f := range m.Funcs {
			v.funcs[f] = true
		}
	}
	return v
}

func (v *verifier) problem(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *verifier) result() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &VerifyError{Problems: v.problems}
}

// types checks the module's named struct declarations.
func (v *verifier) types() {
	seen := map[string]bool{}
	for i, t := range v.m.Types {
		switch {
		case t == nil:
			v.problem("module: type %d is nil", i)
			continue
		case t.Name == "":
			v.problem("module: type %d, %s, has no name: only named structs are declared", i, safeTypeString(t))
			continue
		case seen[t.Name]:
			v.problem("type %%%s: declared twice", quoteName(t.Name))
			continue
		}
		seen[t.Name] = true
		if p := v.structBodyProblem(t); p != "" {
			v.problem("type %%%s: %s", quoteName(t.Name), p)
		}
	}
}

// safeTypeString is t.String() for types that may be broken (nil parts, cycles).
func safeTypeString(t Type) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("<broken type %T>", t)
		}
	}()
	if t == nil {
		return "<nil type>"
	}
	return t.String()
}

// valueTypeProblem is typeProblem for the types a value may have: not void, not a tuple.
func (v *verifier) valueTypeProblem(t Type) string {
	switch t.(type) {
	case voidType:
		return "void is not the type of a value"
	case *Tuple:
		return "a tuple is not the type of a value here"
	}
	return v.typeProblem(t)
}

// typeProblem says what is wrong with t, or "" when it is well formed.
func (v *verifier) typeProblem(t Type) string {
	switch t := t.(type) {
	case nil:
		return "missing type"
	case voidType:
		return ""
	case *Basic:
		if t == nil {
			return "nil *Basic"
		}
	case *Pointer:
		if t == nil {
			return "nil *Pointer"
		}
	case *Slice:
		if t == nil {
			return "nil *Slice"
		}
	case *Array:
		if t == nil {
			return "nil *Array"
		}
	case *Struct:
		if t == nil {
			return "nil *Struct"
		}
	case *Tuple:
		if t == nil {
			return "nil *Tuple"
		}
	default:
		return fmt.Sprintf("unknown kind of type %T", t)
	}
	if p, ok := v.typeMemo[t]; ok {
		return p
	}
	v.typeMemo[t] = "type contains itself"
	p := v.typeProblem1(t)
	v.typeMemo[t] = p
	return p
}

func (v *verifier) typeProblem1(t Type) string {
	switch t := t.(type) {
	case *Basic:
		if t.Kind < Bool || t.Kind > Float64 {
			return fmt.Sprintf("invalid basic kind %d", t.Kind)
		}
	case *Pointer:
		if t.Space > Args {
			return fmt.Sprintf("pointer into invalid address space %d", t.Space)
		}
		if p := v.valueTypeProblem(t.Elem); p != "" {
			return "pointer element: " + p
		}
	case *Slice:
		if t.Space > Args {
			return fmt.Sprintf("slice in invalid address space %d", t.Space)
		}
		if p := v.valueTypeProblem(t.Elem); p != "" {
			return "slice element: " + p
		}
	case *Array:
		if t.Len < 0 {
			return fmt.Sprintf("array of negative length %d", t.Len)
		}
		if p := v.valueTypeProblem(t.Elem); p != "" {
			return "array element: " + p
		}
		if es := t.Elem.Size(); t.Len > 0 && es > maxTypeSize/t.Len {
			return fmt.Sprintf("array type [%d]%s is larger than %d bytes", t.Len, safeTypeString(t.Elem), int64(maxTypeSize))
		}
	case *Struct:
		if t.Name != "" {
			d := v.declared[t.Name]
			switch {
			case d == nil:
				return fmt.Sprintf("struct type %%%s is not declared in the module", quoteName(t.Name))
			case d != t && !sameStruct(d, t):
				return fmt.Sprintf("struct type %%%s differs from its declaration %s", quoteName(t.Name), safeBody(d))
			}
			return ""
		}
		return v.structBodyProblem(t)
	case *Tuple:
		for i, e := range t.Types {
			if p := v.valueTypeProblem(e); p != "" {
				return fmt.Sprintf("tuple element %d: %s", i, p)
			}
		}
	}
	return ""
}

func safeBody(t *Struct) (s string) {
	defer func() {
		if recover() != nil {
			s = "<broken struct>"
		}
	}()
	return structBody(t)
}

// sameStruct reports whether two structs have the same fields.
func sameStruct(a, b *Struct) bool {
	if len(a.Fields) != len(b.Fields) {
		return false
	}
	for i, f := range a.Fields {
		g := b.Fields[i]
		if f.Name != g.Name || f.Const != g.Const || f.Type == nil || g.Type == nil || !Identical(f.Type, g.Type) {
			return false
		}
	}
	return true
}

// structBodyProblem checks a struct's fields and layout.
func (v *verifier) structBodyProblem(t *Struct) string {
	names := map[string]bool{}
	types := make([]Type, len(t.Fields))
	fieldNames := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		if p := v.valueTypeProblem(f.Type); p != "" {
			return fmt.Sprintf("field %s: %s", quoteName(f.Name), p)
		}
		if f.Name != "_" && names[f.Name] {
			return fmt.Sprintf("field %s declared twice", quoteName(f.Name))
		}
		names[f.Name] = true
		types[i], fieldNames[i] = f.Type, f.Name
	}
	var off int64
	for _, ft := range types {
		if off += ft.Size(); off > maxTypeSize {
			return fmt.Sprintf("struct is larger than %d bytes", int64(maxTypeSize))
		}
	}
	want := NewStruct(t.Name, fieldNames, types)
	for i, f := range t.Fields {
		if f.Offset != want.Fields[i].Offset {
			return fmt.Sprintf("field %s at offset %d, where Go's layout puts it at %d (make structs with NewStruct)",
				quoteName(f.Name), f.Offset, want.Fields[i].Offset)
		}
	}
	if t.size != want.size || t.align != want.align {
		return fmt.Sprintf("size %d and alignment %d, where Go's layout gives %d and %d (make structs with NewStruct)",
			t.size, t.align, want.size, want.align)
	}
	return ""
}

// funcVerifier checks one function.
type funcVerifier struct {
	*verifier
	f      *Func
	p      *printer
	index  map[*Block]int  // the position of each block in f.Blocks
	def    map[*Value]site // where each value is defined
	entry  *Block
	reach  []bool // by block index: reachable from the entry
	idom   []int
	pre    []int // preorder and postorder numbers in the dominator tree
	post   []int
	shared map[int64]Type
}

type site struct{ block, index int }

func (v *verifier) fn(f *Func) {
	fv := &funcVerifier{verifier: v, f: f, index: map[*Block]int{}, def: map[*Value]site{}, shared: map[int64]Type{}}
	fv.number()
	fv.header()
	if len(f.Blocks) == 0 {
		fv.fproblem("function has no blocks")
		return
	}
	fv.structure()
	fv.dominators()
	for bi, b := range f.Blocks {
		if b == nil || fv.index[b] != bi {
			continue
		}
		for j, val := range b.Instrs {
			if val == nil || fv.def[val] != (site{bi, j}) {
				continue
			}
			fv.instr(bi, j, val)
		}
		fv.terminator(bi, b)
	}
}

// number numbers the values and blocks as the printer does, for messages.
func (fv *funcVerifier) number() {
	fv.p = &printer{num: map[*Value]int{}, blocks: map[*Block]int{}}
	n := 0
	for _, v := range fv.f.Params {
		if _, done := fv.p.num[v]; !done && v != nil {
			fv.p.num[v] = n
			n++
		}
	}
	for i, b := range fv.f.Blocks {
		if b == nil {
			continue
		}
		if _, done := fv.p.blocks[b]; !done {
			fv.p.blocks[b] = i
		}
		for _, v := range b.Instrs {
			if _, done := fv.p.num[v]; !done && v != nil && v.Op != OpParam && v.Type != Void {
				fv.p.num[v] = n
				n++
			}
		}
	}
}

func (fv *funcVerifier) fproblem(format string, args ...any) {
	fv.problem("%s: %s", fv.f.Name, fmt.Sprintf(format, args...))
}

func (fv *funcVerifier) bproblem(b int, format string, args ...any) {
	fv.problem("%s b%d: %s", fv.f.Name, b, fmt.Sprintf(format, args...))
}

func (fv *funcVerifier) vproblem(b int, val *Value, format string, args ...any) {
	fv.problem("%s b%d: %s: %s", fv.f.Name, b, fv.valueText(val), fmt.Sprintf(format, args...))
}

func (fv *funcVerifier) tproblem(b int, blk *Block, format string, args ...any) {
	fv.problem("%s b%d: %s: %s", fv.f.Name, b, fv.termText(blk), fmt.Sprintf(format, args...))
}

// valueText is val in the text form, or as much of it as can be printed.
func (fv *funcVerifier) valueText(val *Value) (s string) {
	var sb strings.Builder
	fv.p.b = &sb
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("%s = %s (a broken instruction)", fv.p.ref(val), val.Op)
		}
	}()
	fv.p.value(val)
	return sb.String()
}

func (fv *funcVerifier) termText(b *Block) (s string) {
	var sb strings.Builder
	fv.p.b = &sb
	defer func() {
		if recover() != nil {
			s = b.Kind.String() + " (a broken terminator)"
		}
	}()
	fv.p.terminator(b)
	return sb.String()
}

// header checks the function's signature.
func (fv *funcVerifier) header() {
	f := fv.f
	checkPos(f.Pos, fv.fproblem)
	switch r := f.Result.(type) {
	case nil:
		fv.fproblem("no result type (use Void)")
	case voidType:
	case *Tuple:
		if p := fv.typeProblem(r); p != "" {
			fv.fproblem("result type: %s", p)
		} else if len(r.Types) < 2 {
			fv.fproblem("result type %s: a tuple has at least two elements (use Void or the type itself)", r)
		}
	default:
		if p := fv.typeProblem(r); p != "" {
			fv.fproblem("result type: %s", p)
		}
	}
	if f.Kernel {
		if len(f.Params) != 1 {
			fv.fproblem("a kernel has one param, a pointer in args to its argument struct; it has %d", len(f.Params))
		} else if p := f.Params[0]; p != nil {
			pt, ok := p.Type.(*Pointer)
			if !ok || pt == nil || pt.Space != Args {
				fv.fproblem("a kernel's param is a pointer in args to its argument struct, not %s", safeTypeString(p.Type))
			} else if _, ok := pt.Elem.(*Struct); !ok {
				fv.fproblem("a kernel's param points to its argument struct, not to %s", safeTypeString(pt.Elem))
			}
		}
		if f.Result != Void && f.Result != nil {
			fv.fproblem("a kernel returns nothing, not %s", safeTypeString(f.Result))
		}
	}
	if len(f.Access) > 0 {
		if !f.Kernel {
			fv.fproblem("access is set on a function that is not a kernel")
		} else if s := f.ArgsType(); s != nil && len(s.Fields) != len(f.Access) {
			fv.fproblem("access has %d entries for %d fields of the argument struct", len(f.Access), len(s.Fields))
		}
		for i, a := range f.Access {
			if a > AccessRead|AccessWrite {
				fv.fproblem("access %d is invalid (%d)", i, a)
			}
		}
	}
}

// structure checks blocks, params, the placement of values and phis, and the edges.
func (fv *funcVerifier) structure() {
	f := fv.f
	for i, b := range f.Blocks {
		switch {
		case b == nil:
			fv.fproblem("block %d is nil", i)
			continue
		case b.Func != f:
			fv.bproblem(i, "Block.Func is not the function that holds it")
		}
		if _, dup := fv.index[b]; dup {
			fv.bproblem(i, "block appears twice in the function (also as b%d)", fv.index[b])
			continue
		}
		fv.index[b] = i
	}
	fv.entry = f.Blocks[0]
	if fv.entry == nil {
		return
	}

	// Values: each in one place, in the block it says.
	for bi, b := range f.Blocks {
		if b == nil || fv.index[b] != bi {
			continue
		}
		phis := true
		for j, val := range b.Instrs {
			if val == nil {
				fv.bproblem(bi, "instruction %d is nil", j)
				continue
			}
			if s, dup := fv.def[val]; dup {
				fv.vproblem(bi, val, "instruction appears twice (also in b%d at %d)", s.block, s.index)
				continue
			}
			fv.def[val] = site{bi, j}
			if val.Block != b {
				fv.vproblem(bi, val, "Value.Block is not the block that holds it")
			}
			if val.Op == OpPhi {
				if !phis {
					fv.vproblem(bi, val, "phi after other instructions: phis come first in a block")
				}
			} else if !(val.Op == OpParam && bi == 0) {
				phis = false
			}
		}
	}

	// Params: the first values of the entry block, in order.
	entry := fv.entry
	for i, p := range f.Params {
		switch {
		case p == nil:
			fv.fproblem("param %d is nil", i)
		case p.Op != OpParam:
			fv.fproblem("param %d is a %s, not a param", i, p.Op)
		case i >= len(entry.Instrs) || entry.Instrs[i] != p:
			fv.fproblem("param %d is not instruction %d of the entry block: params come first, in order", i, i)
		case p.AuxInt != int64(i):
			fv.fproblem("param %d has AuxInt %d, not its index", i, p.AuxInt)
		}
	}
	for bi, b := range f.Blocks {
		if b == nil || fv.index[b] != bi {
			continue
		}
		for j, val := range b.Instrs {
			if val == nil || val.Op != OpParam {
				continue
			}
			if bi != 0 || j >= len(f.Params) || f.Params[j] != val {
				fv.bproblem(bi, "param %d : %s is not one of Func.Params in its place (params come first in the entry block, in order)",
					val.AuxInt, safeTypeString(val.Type))
			}
		}
	}

	// Edges: each occurrence of s in b.Succs is one occurrence of b in s.Preds.
	type edge struct{ from, to *Block }
	count := map[edge]int{}
	for bi, b := range f.Blocks {
		if b == nil || fv.index[b] != bi {
			continue
		}
		for k, s := range b.Succs {
			if _, ok := fv.index[s]; !ok {
				fv.bproblem(bi, "successor %d is not a block of the function", k)
				continue
			}
			count[edge{b, s}]++
		}
	}
	for bi, b := range f.Blocks {
		if b == nil || fv.index[b] != bi {
			continue
		}
		for k, p := range b.Preds {
			if _, ok := fv.index[p]; !ok {
				fv.bproblem(bi, "predecessor %d is not a block of the function", k)
				continue
			}
			count[edge{p, b}]--
		}
	}
	for bi, b := range f.Blocks {
		if b == nil || fv.index[b] != bi {
			continue
		}
		done := map[*Block]bool{}
		for _, s := range b.Succs {
			if _, ok := fv.index[s]; !ok || done[s] {
				continue
			}
			done[s] = true
			if n := count[edge{b, s}]; n > 0 {
				fv.bproblem(fv.index[s], "b%d has this block as a successor %d more time(s) than Preds has b%d", bi, n, bi)
			}
		}
		done = map[*Block]bool{}
		for _, p := range b.Preds {
			if _, ok := fv.index[p]; !ok || done[p] {
				continue
			}
			done[p] = true
			if n := count[edge{p, b}]; n < 0 {
				fv.bproblem(bi, "Preds has b%d %d more time(s) than b%d has this block as a successor", fv.index[p], -n, fv.index[p])
			}
		}
	}
	if len(entry.Preds) > 0 {
		fv.bproblem(0, "the entry block has predecessors")
	}
}

// dominators computes the dominator tree of the blocks reachable from the entry (Cooper, Harvey
// and Kennedy, "A simple, fast dominance algorithm").
func (fv *funcVerifier) dominators() {
	n := len(fv.f.Blocks)
	fv.reach = make([]bool, n)
	fv.idom = make([]int, n)
	fv.pre = make([]int, n)
	fv.post = make([]int, n)
	if fv.entry == nil {
		return
	}
	succs := func(b int) []int {
		var s []int
		if blk := fv.f.Blocks[b]; blk != nil && fv.index[blk] == b {
			for _, t := range blk.Succs {
				if i, ok := fv.index[t]; ok {
					s = append(s, i)
				}
			}
		}
		return s
	}
	// Reverse postorder, iteratively.
	order := make([]int, 0, n) // postorder
	type frame struct {
		b    int
		next []int
	}
	fv.reach[0] = true
	stack := []frame{{0, succs(0)}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if len(top.next) == 0 {
			order = append(order, top.b)
			stack = stack[:len(stack)-1]
			continue
		}
		s := top.next[0]
		top.next = top.next[1:]
		if !fv.reach[s] {
			fv.reach[s] = true
			stack = append(stack, frame{s, succs(s)})
		}
	}
	rpo := make([]int, n) // block → position in reverse postorder
	for i, b := range order {
		rpo[b] = len(order) - 1 - i
	}
	preds := make([][]int, n)
	for _, b := range order {
		for _, s := range succs(b) {
			preds[s] = append(preds[s], b)
		}
	}
	for i := range fv.idom {
		fv.idom[i] = -1
	}
	fv.idom[0] = 0
	intersect := func(a, b int) int {
		for a != b {
			for rpo[a] > rpo[b] {
				a = fv.idom[a]
			}
			for rpo[b] > rpo[a] {
				b = fv.idom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for i := len(order) - 1; i >= 0; i-- {
			b := order[i]
			if b == 0 {
				continue
			}
			nd := -1
			for _, p := range preds[b] {
				if fv.idom[p] < 0 {
					continue
				}
				if nd < 0 {
					nd = p
				} else {
					nd = intersect(p, nd)
				}
			}
			if nd != fv.idom[b] {
				fv.idom[b] = nd
				changed = true
			}
		}
	}
	// Number the dominator tree so that a dominates b iff pre[a] <= pre[b] && post[b] <= post[a].
	children := make([][]int, n)
	for _, b := range order {
		if b != 0 {
			children[fv.idom[b]] = append(children[fv.idom[b]], b)
		}
	}
	clock := 0
	type dframe struct{ b, next int }
	dstack := []dframe{{0, 0}}
	fv.pre[0] = clock
	clock++
	for len(dstack) > 0 {
		top := &dstack[len(dstack)-1]
		if top.next < len(children[top.b]) {
			c := children[top.b][top.next]
			top.next++
			fv.pre[c] = clock
			clock++
			dstack = append(dstack, dframe{c, 0})
			continue
		}
		fv.post[top.b] = clock
		clock++
		dstack = dstack[:len(dstack)-1]
	}
}

// dominates reports whether block a dominates block b; both are reachable.
func (fv *funcVerifier) dominates(a, b int) bool {
	return fv.pre[a] <= fv.pre[b] && fv.post[b] <= fv.post[a]
}

// operand checks that the operand a, used at (b, j), is a value of the function that is defined
// there; j == len(Instrs) is the terminator, and atEnd means the end of block b (for a phi's
// operand, b is the predecessor). It reports through report and returns whether a is usable.
func (fv *funcVerifier) operand(a *Value, b, j int, report func(string, ...any)) bool {
	if a == nil {
		report("operand is nil")
		return false
	}
	d, ok := fv.def[a]
	if !ok {
		if a.Block != nil && a.Block.Func != nil && a.Block.Func != fv.f {
			report("operand v%d is a value of another function, %s", a.ID, a.Block.Func.Name)
		} else {
			report("operand v%d is not an instruction of the function", a.ID)
		}
		return false
	}
	if a.Type == Void {
		report("operand %s has no result (type void)", fv.p.ref(a))
		return false
	}
	if !fv.reach[b] {
		if d.block == b && d.index >= j {
			report("operand %s is defined after its use", fv.p.ref(a))
		}
		return true
	}
	switch {
	case d.block == b:
		if d.index >= j {
			report("operand %s is defined after its use", fv.p.ref(a))
		}
	case !fv.reach[d.block] || !fv.dominates(d.block, b):
		report("operand %s, defined in b%d, does not dominate its use", fv.p.ref(a), d.block)
	}
	return true
}

func (fv *funcVerifier) terminator(bi int, b *Block) {
	report := func(format string, args ...any) { fv.tproblem(bi, b, format, args...) }
	checkPos(b.Pos, report)
	end := len(b.Instrs)
	ok := true
	for _, c := range b.Controls {
		ok = fv.operand(c, bi, end, report) && ok
	}
	for _, s := range b.Succs {
		if s == nil {
			report("successor is nil")
		}
	}
	wants := func(nc, ns int) bool {
		if len(b.Controls) != nc || len(b.Succs) != ns {
			report("%s takes %d control(s) and %d successor(s), has %d and %d", b.Kind, nc, ns, len(b.Controls), len(b.Succs))
			return false
		}
		return true
	}
	switch b.Kind {
	case BlockJump:
		wants(0, 1)
	case BlockIf:
		if wants(1, 2) && ok && !IsBasic(b.Controls[0].Type, Bool) {
			report("condition has type %s, not bool", safeTypeString(b.Controls[0].Type))
		}
	case BlockReturn:
		if len(b.Succs) != 0 {
			report("return has no successors, has %d", len(b.Succs))
		}
		var want []Type
		switch r := fv.f.Result.(type) {
		case nil, voidType:
		case *Tuple:
			want = r.Types
		default:
			want = []Type{r}
		}
		if len(b.Controls) != len(want) {
			report("returns %d value(s), the function's result is %s", len(b.Controls), safeTypeString(fv.f.Result))
		} else if ok {
			for i, c := range b.Controls {
				if want[i] != nil && c.Type != nil && !Identical(c.Type, want[i]) {
					report("result %d has type %s, the function returns %s", i, safeTypeString(c.Type), safeTypeString(want[i]))
				}
			}
		}
	case BlockPanic:
		wants(0, 0)
	case BlockInvalid:
		fv.bproblem(bi, "block has no terminator")
	default:
		fv.bproblem(bi, "terminator of invalid kind %d", b.Kind)
	}
	if b.Kind != BlockPanic && b.Msg != "" {
		report("a %s has a panic message", b.Kind)
	}
}

// usesAuxInt reports whether op keeps something in AuxInt (and prints it).
func usesAuxInt(op Op) bool {
	switch op {
	case OpParam, OpConst, OpShared, OpFieldAddr, OpField, OpExtract, OpCheckBounds, OpIntrinsic, OpAtomic:
		return true
	}
	return false
}

// checkPos reports a position that the text form cannot hold.
func checkPos(p Pos, report func(string, ...any)) {
	if p.IsKnown() && p.Col < 0 {
		report("position with a negative column")
	}
}

func (fv *funcVerifier) instr(bi, j int, v *Value) {
	b := fv.f.Blocks[bi]
	report := func(format string, args ...any) { fv.vproblem(bi, v, format, args...) }
	checkPos(v.Pos, report)
	if v.Op <= OpInvalid || v.Op >= numOps {
		report("invalid op %d", v.Op)
		return
	}
	if !usesAuxInt(v.Op) && v.AuxInt != 0 {
		report("AuxInt is %d, but %s has no aux", v.AuxInt, v.Op)
	}
	if v.Op != OpCall && v.Aux != nil {
		report("Aux is set (%T), but only call has an Aux", v.Aux)
	}

	// The result type.
	switch {
	case v.Type == nil:
		report("missing type (use Void for no result)")
		return
	case v.Type == Void:
	case v.Op == OpCall:
		if p := fv.typeProblem(v.Type); p != "" {
			report("type: %s", p)
			return
		}
	default:
		if p := fv.valueTypeProblem(v.Type); p != "" {
			report("type: %s", p)
			return
		}
	}

	// Operands: defined before their use; a phi's at the end of its predecessor.
	ok := true
	for i, a := range v.Args {
		if v.Op == OpPhi {
			if i < len(b.Preds) {
				if p, in := fv.index[b.Preds[i]]; in {
					ok = fv.operand(a, p, len(b.Preds[i].Instrs), report) && ok
					continue
				}
			}
			// No predecessor to dominate: check only that a is a value of the function.
			ok = fv.operand(a, bi, len(b.Instrs), report) && ok
			continue
		}
		ok = fv.operand(a, bi, j, report) && ok
	}
	if !ok {
		return
	}
	for _, a := range v.Args {
		if a.Type == nil || fv.typeProblem(a.Type) != "" {
			return // reported where a is defined
		}
	}
	fv.opTypes(v, report)
}

// opTypes checks an instruction's operand count, operand types, result type and AuxInt; the
// operands are values with well-formed types.
func (fv *funcVerifier) opTypes(v *Value, report func(string, ...any)) {
	args := v.Args
	arity := func(n int) bool {
		if len(args) != n {
			report("%s takes %d operand(s), has %d", v.Op, n, len(args))
			return false
		}
		return true
	}
	result := func(t Type) {
		if !Identical(v.Type, t) {
			report("result type is %s, want %s", safeTypeString(v.Type), safeTypeString(t))
		}
	}
	void := func() { result(Void) }
	basic, _ := v.Type.(*Basic)

	switch op := v.Op; {
	case op == OpParam:
		arity(0) // where params may be is checked with the function's structure

	case op == OpConst:
		if !arity(0) {
			return
		}
		if basic == nil {
			report("a constant is a scalar, not %s", v.Type)
			return
		}
		switch {
		case basic.Kind == Bool:
			if v.AuxInt != 0 && v.AuxInt != 1 {
				report("bool constant with bits %d: want 0 or 1", v.AuxInt)
			}
		case basic.IsInteger():
			if ConstBits(basic, v.AuxInt) != v.AuxInt {
				report("%s constant with bits %#x: want them extended from %d bits (ConstBits)", basic, v.AuxInt, basic.Bits())
			}
		case basic.Kind == Float32:
			if uint64(v.AuxInt) > 0xffffffff {
				report("f32 constant with bits %#x: want the float32's bits in the low 32, the rest zero", uint64(v.AuxInt))
			}
		}

	case op == OpZero:
		arity(0)

	case op.IsBinary():
		if !arity(2) {
			return
		}
		x, y := args[0].Type, args[1].Type
		if op == OpShl || op == OpShr {
			if !isInteger(x) {
				report("shift of %s: want an integer", x)
			} else if !isUnsigned(y) {
				report("shift count of type %s: want an unsigned integer", y)
			}
			result(x)
			return
		}
		if !Identical(x, y) {
			report("operand types %s and %s differ", x, y)
			return
		}
		result(x)
		t, _ := x.(*Basic)
		var okType bool
		switch op {
		case OpAdd, OpSub, OpMul, OpDiv, OpMin, OpMax:
			okType = t != nil && (t.IsInteger() || t.IsFloat())
		case OpRem, OpAndNot:
			okType = t != nil && t.IsInteger()
		case OpAnd, OpOr, OpXor:
			okType = t != nil && (t.IsInteger() || t.Kind == Bool)
		}
		if !okType {
			report("%s of %s", op, x)
		}

	case op == OpNeg || op == OpNot || op == OpCom:
		if !arity(1) {
			return
		}
		x := args[0].Type
		result(x)
		t, _ := x.(*Basic)
		switch {
		case op == OpNeg && (t == nil || !(t.IsInteger() || t.IsFloat())),
			op == OpNot && (t == nil || t.Kind != Bool),
			op == OpCom && (t == nil || !t.IsInteger()):
			report("%s of %s", op, x)
		}

	case op.IsCompare():
		if !arity(2) {
			return
		}
		x, y := args[0].Type, args[1].Type
		result(BoolType)
		if !Identical(x, y) {
			report("operand types %s and %s differ", x, y)
			return
		}
		t, _ := x.(*Basic)
		_, ptr := x.(*Pointer)
		if op == OpEq || op == OpNe {
			if t == nil && !ptr {
				report("%s of %s: want scalars or pointers", op, x)
			}
		} else if t == nil || !(t.IsInteger() || t.IsFloat()) {
			report("%s of %s: want integers or floats", op, x)
		}

	case op == OpConvert:
		if !arity(1) {
			return
		}
		from, _ := args[0].Type.(*Basic)
		if from == nil || basic == nil {
			report("convert from %s to %s: want scalars", args[0].Type, v.Type)
		} else if (from.Kind == Bool) != (basic.Kind == Bool) {
			report("convert from %s to %s: Go has no conversion between bool and numbers", from, basic)
		}

	case op == OpLocal:
		arity(0)
		if p, ok := v.Type.(*Pointer); !ok || p.Space != Private {
			report("a local is a pointer in private, not %s", v.Type)
		}

	case op == OpShared:
		arity(0)
		if p, ok := v.Type.(*Pointer); !ok || p.Space != Shared {
			report("a shared variable is a pointer in shared, not %s", v.Type)
		}
		if v.AuxInt < 0 {
			report("shared variable number %d is negative", v.AuxInt)
		} else if t, ok := fv.shared[v.AuxInt]; ok && !Identical(t, v.Type) {
			report("shared variable %d has type %s here and %s elsewhere in the function", v.AuxInt, v.Type, t)
		} else {
			fv.shared[v.AuxInt] = v.Type
		}

	case op == OpLoad:
		if !arity(1) {
			return
		}
		p, ok := args[0].Type.(*Pointer)
		if !ok {
			report("load from %s: want a pointer", args[0].Type)
			return
		}
		result(p.Elem)

	case op == OpStore:
		void()
		if !arity(2) {
			return
		}
		p, ok := args[0].Type.(*Pointer)
		switch {
		case !ok:
			report("store to %s: want a pointer", args[0].Type)
		case p.Space == Args:
			report("store through a pointer into args: the argument struct is read-only")
		case !Identical(p.Elem, args[1].Type):
			report("store of %s through %s", args[1].Type, p)
		}

	case op == OpFieldAddr:
		if !arity(1) {
			return
		}
		p, ok := args[0].Type.(*Pointer)
		if !ok {
			report("fieldaddr of %s: want a pointer to a struct", args[0].Type)
			return
		}
		s, ok := p.Elem.(*Struct)
		if !ok {
			report("fieldaddr of %s: want a pointer to a struct", p)
			return
		}
		if v.AuxInt < 0 || v.AuxInt >= int64(len(s.Fields)) {
			report("field %d of a struct with %d fields", v.AuxInt, len(s.Fields))
			return
		}
		result(&Pointer{Elem: s.Fields[v.AuxInt].Type, Space: p.Space})

	case op == OpField:
		if !arity(1) {
			return
		}
		s, ok := args[0].Type.(*Struct)
		if !ok {
			report("field of %s: want a struct", args[0].Type)
			return
		}
		if v.AuxInt < 0 || v.AuxInt >= int64(len(s.Fields)) {
			report("field %d of a struct with %d fields", v.AuxInt, len(s.Fields))
			return
		}
		result(s.Fields[v.AuxInt].Type)

	case op == OpIndexAddr:
		if !arity(2) {
			return
		}
		if !isInteger(args[1].Type) {
			report("index of type %s: want an integer", args[1].Type)
		}
		switch t := args[0].Type.(type) {
		case *Slice:
			result(&Pointer{Elem: t.Elem, Space: t.Space})
		case *Pointer:
			a, ok := t.Elem.(*Array)
			if !ok {
				report("indexaddr of %s: want a slice or a pointer to an array", t)
				return
			}
			result(&Pointer{Elem: a.Elem, Space: t.Space})
		default:
			report("indexaddr of %s: want a slice or a pointer to an array", t)
		}

	case op == OpIndex:
		if !arity(2) {
			return
		}
		if !isInteger(args[1].Type) {
			report("index of type %s: want an integer", args[1].Type)
		}
		a, ok := args[0].Type.(*Array)
		if !ok {
			report("index of %s: want an array", args[0].Type)
			return
		}
		result(a.Elem)

	case op == OpLen || op == OpCap || op == OpSlicePtr:
		if !arity(1) {
			return
		}
		s, ok := args[0].Type.(*Slice)
		if !ok {
			report("%s of %s: want a slice", op, args[0].Type)
			return
		}
		if op == OpSlicePtr {
			result(&Pointer{Elem: s.Elem, Space: s.Space})
		} else {
			result(Int64Type)
		}

	case op == OpSlice:
		if !arity(4) {
			return
		}
		for i, a := range args[1:] {
			if !isInteger(a.Type) {
				report("slice bound %d of type %s: want an integer", i+1, a.Type)
			}
		}
		switch t := args[0].Type.(type) {
		case *Slice:
			result(t)
		case *Pointer:
			a, ok := t.Elem.(*Array)
			if !ok {
				report("slice of %s: want a slice or a pointer to an array", t)
				return
			}
			result(&Slice{Elem: a.Elem, Space: t.Space})
		default:
			report("slice of %s: want a slice or a pointer to an array", t)
		}

	case op == OpCopy:
		result(Int64Type)
		if !arity(2) {
			return
		}
		d, ok1 := args[0].Type.(*Slice)
		s, ok2 := args[1].Type.(*Slice)
		switch {
		case !ok1 || !ok2:
			report("copy from %s to %s: want slices", args[1].Type, args[0].Type)
		case !Identical(d.Elem, s.Elem):
			report("copy from %s to %s: element types differ", s, d)
		case d.Space == Args:
			report("copy into args: the argument struct is read-only")
		}

	case op == OpCheckBounds:
		void()
		if v.AuxInt&^(0xff|BoundsSigned) != 0 || v.BoundsKind() >= numBoundsKinds {
			report("invalid bounds check kind %#x", v.AuxInt)
		}
		if !arity(2) {
			return
		}
		for i, a := range args {
			if !IsBasic(a.Type, Int64) {
				report("operand %d of type %s: want i64", i, a.Type)
			}
		}

	case op == OpCheckNil:
		void()
		if arity(1) {
			if _, ok := args[0].Type.(*Pointer); !ok {
				report("checknil of %s: want a pointer", args[0].Type)
			}
		}

	case op == OpCheckDivide:
		void()
		if arity(1) && !isInteger(args[0].Type) {
			report("checkdivide of %s: want an integer", args[0].Type)
		}

	case op == OpCheckShift:
		void()
		if arity(1) && !isSigned(args[0].Type) {
			report("checkshift of %s: want a signed integer (an unsigned count is never negative)", args[0].Type)
		}

	case op == OpCall:
		fv.call(v, report)

	case op == OpExtract:
		if !arity(1) {
			return
		}
		t, ok := args[0].Type.(*Tuple)
		if !ok {
			report("extract from %s: want a tuple", args[0].Type)
			return
		}
		if v.AuxInt < 0 || v.AuxInt >= int64(len(t.Types)) {
			report("element %d of a tuple of %d", v.AuxInt, len(t.Types))
			return
		}
		result(t.Types[v.AuxInt])

	case op == OpIntrinsic:
		fv.intrinsic(v, report)

	case op == OpAtomic:
		fv.atomic(v, report)

	case op == OpSpaceCast:
		if !arity(1) {
			return
		}
		switch x := args[0].Type.(type) {
		case *Pointer:
			if r, ok := v.Type.(*Pointer); !ok || !Identical(x.Elem, r.Elem) {
				report("spacecast from %s to %s: want a pointer to the same type", x, v.Type)
			}
		case *Slice:
			if r, ok := v.Type.(*Slice); !ok || !Identical(x.Elem, r.Elem) {
				report("spacecast from %s to %s: want a slice of the same type", x, v.Type)
			}
		default:
			report("spacecast of %s: want a pointer or a slice", x)
		}

	case op == OpPhi:
		for i, a := range args {
			if !Identical(a.Type, v.Type) {
				report("operand %d has type %s, the phi %s", i, a.Type, v.Type)
			}
		}
		preds := v.Block.Preds
		if len(args) != len(preds) {
			report("phi has %d operand(s) for %d predecessor(s)", len(args), len(preds))
			return
		}
		if len(preds) == 0 {
			report("phi in a block without predecessors")
		}
		first := map[*Block]int{} // the operand for the first edge from each pred
		for k, p := range preds {
			i, seen := first[p]
			if !seen {
				first[p] = k
			} else if args[i] != args[k] {
				report("operands %d and %d differ, but both are for an edge from b%d", i, k, fv.index[p])
			}
		}
	}
}

func isInteger(t Type) bool {
	b, ok := t.(*Basic)
	return ok && b.IsInteger()
}

func isUnsigned(t Type) bool {
	b, ok := t.(*Basic)
	return ok && b.IsInteger() && !b.IsSigned()
}

func isSigned(t Type) bool {
	b, ok := t.(*Basic)
	return ok && b.IsSigned()
}

func isFloat(t Type) bool {
	b, ok := t.(*Basic)
	return ok && b.IsFloat()
}

func (fv *funcVerifier) call(v *Value, report func(string, ...any)) {
	callee, ok := v.Aux.(*Func)
	switch {
	case !ok || callee == nil:
		report("call without a callee: Aux is %T, want a *Func", v.Aux)
		return
	case fv.m != nil && !fv.funcs[callee]:
		report("callee @%s is not a function of the module", quoteName(callee.Name))
		return
	case callee.Kernel:
		report("call of kernel @%s: kernels are entry points", quoteName(callee.Name))
	}
	if len(v.Args) != len(callee.Params) {
		report("%d argument(s) for @%s's %d param(s)", len(v.Args), quoteName(callee.Name), len(callee.Params))
		return
	}
	for i, a := range v.Args {
		if p := callee.Params[i]; p != nil && fv.typeProblem(p.Type) == "" && !Identical(a.Type, p.Type) {
			report("argument %d has type %s, @%s's param %s", i, a.Type, quoteName(callee.Name), safeTypeString(p.Type))
		}
	}
	if fv.typeProblem(callee.Result) == "" && !Identical(v.Type, callee.Result) {
		report("result type is %s, @%s returns %s", v.Type, quoteName(callee.Name), safeTypeString(callee.Result))
	}
}

func (fv *funcVerifier) intrinsic(v *Value, report func(string, ...any)) {
	in := v.Intrinsic()
	if v.AuxInt < 0 || v.AuxInt >= int64(numIntrinsics) {
		report("invalid intrinsic %d", v.AuxInt)
		return
	}
	args := v.Args
	sig := func(params []Type, result Type) {
		if len(args) != len(params) {
			report("%s takes %d operand(s), has %d", in, len(params), len(args))
			return
		}
		for i, p := range params {
			if !Identical(args[i].Type, p) {
				report("%s operand %d has type %s, want %s", in, i, args[i].Type, p)
			}
		}
		if !Identical(v.Type, result) {
			report("%s gives %s, not %s", in, safeTypeString(result), v.Type)
		}
	}
	// The type the math and bits functions work on is their first operand's.
	var t Type = Float64Type
	if len(args) > 0 {
		t = args[0].Type
	}
	switch {
	case in.IsWorkItem():
		sig([]Type{Int64Type}, Int64Type)
		if len(args) == 1 {
			// A dimension known only at run time is checked by a checkbounds in the frontend's IR,
			// which the passes may lower to a branch, or drop when checks are off.
			if c := args[0]; c.Op == OpConst && (c.AuxInt < 0 || c.AuxInt > 2) {
				report("the dimension of %s is 0, 1 or 2, not %d", in, c.AuxInt)
			}
		}
	case in == Barrier:
		sig(nil, Void)
	case in == Float32bits:
		sig([]Type{Float32Type}, Uint32Type)
	case in == Float32frombits:
		sig([]Type{Uint32Type}, Float32Type)
	case in == Float64bits:
		sig([]Type{Float64Type}, Uint64Type)
	case in == Float64frombits:
		sig([]Type{Uint64Type}, Float64Type)
	case in >= Sqrt && in <= Mod:
		if !isFloat(t) {
			report("%s of %s: want a float", in, t)
			return
		}
		switch in {
		case Copysign, Atan2, Pow, Hypot, Mod:
			sig([]Type{t, t}, t)
		case FMA:
			sig([]Type{t, t, t}, t)
		default:
			sig([]Type{t}, t)
		}
	case in >= OnesCount && in <= RotateLeft:
		if !isUnsigned(t) {
			report("%s of %s: want an unsigned integer", in, t)
			return
		}
		switch in {
		case OnesCount, LeadingZeros, TrailingZeros, Len:
			sig([]Type{t}, Int64Type)
		case RotateLeft:
			sig([]Type{t, Int64Type}, t)
		default:
			sig([]Type{t}, t)
		}
	}
}

func (fv *funcVerifier) atomic(v *Value, report func(string, ...any)) {
	op := v.AtomicOp()
	if v.AuxInt < 0 || v.AuxInt >= int64(numAtomicOps) {
		report("invalid atomic operation %d", v.AuxInt)
		return
	}
	args := v.Args
	if len(args) == 0 {
		report("atomic %s without a pointer", op)
		return
	}
	p, ok := args[0].Type.(*Pointer)
	if !ok {
		report("atomic %s on %s: want a pointer", op, args[0].Type)
		return
	}
	t, _ := p.Elem.(*Basic)
	isInt := t != nil && t.IsInteger() && t.Bits() >= 32
	switch {
	case op == AtomicAdd && !isInt && !isFloat(p.Elem),
		(op == AtomicMin || op == AtomicMax) && !isFloat(p.Elem),
		op != AtomicAdd && op != AtomicMin && op != AtomicMax && !isInt:
		report("atomic %s of %s", op, p.Elem)
		return
	}
	if op != AtomicLoad && p.Space == Args {
		report("atomic %s through a pointer into args: the argument struct is read-only", op)
	}
	n, result := 2, Type(t)
	switch op {
	case AtomicLoad:
		n = 1
	case AtomicStore:
		result = Void
	case AtomicCAS:
		n, result = 3, BoolType
	}
	if len(args) != n {
		report("atomic %s takes %d operand(s), has %d", op, n, len(args))
		return
	}
	for i, a := range args[1:] {
		if !Identical(a.Type, t) {
			report("operand %d has type %s, want %s", i+1, a.Type, t)
		}
	}
	if !Identical(v.Type, result) {
		report("atomic %s gives %s, not %s", op, safeTypeString(result), v.Type)
	}
}
