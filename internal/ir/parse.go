package ir

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseError is an error in the text form given to Parse: what was wrong or expected, at a line
// and column (in bytes, from 1) of the text.
type ParseError struct {
	Line, Col int
	Msg       string
}

// Error formats the error as "ir: line:col: message".
func (e *ParseError) Error() string { return fmt.Sprintf("ir: %d:%d: %s", e.Line, e.Col, e.Msg) }

// Readers bound how deeply types nest: maxTypeDepth in one type's text (or encoding), and
// maxStructNesting for structs that hold structs by value.
const (
	maxTypeDepth     = 200
	maxStructNesting = 10000
)

// Parse reads a module in the text form that Print writes, so that Print(Parse(text)) is text
// for any text that Print wrote. Beyond what Print writes, the text may have `;` comments to the
// end of a line, any value names (%x, %"a b") and block labels bN in any order: names are only
// names, and the parsed values and blocks are numbered afresh. Struct types and functions may be
// used before they are declared.
//
// A block's predecessors are those whose terminators name it, in the order of its phis' entries
// when it has phis (so that Print gives back the same text), else in block order. Every phi of a
// block must list each predecessor once per edge.
//
// Parse checks the syntax and resolves every name and type; it does not run Verify, so that
// broken IR can be written down for tests. Callers that need a valid module call Verify.
func Parse(text string) (m *Module, err error) {
	p := &parser{
		src:   text,
		m:     &Module{},
		named: map[string]*Struct{},
		funcs: map[string]*Func{},
	}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*ParseError)
			if !ok {
				panic(r)
			}
			m, err = nil, pe
		}
	}()
	p.module()
	return p.m, nil
}

type parser struct {
	src   string
	off   int
	depth int
	m     *Module

	named   map[string]*Struct // named structs, declared or only referenced so far
	layouts structLayouts
	funcs   map[string]*Func
	calls   []pendingCall

	// Per function.
	values map[string]*Value
	defs   map[string]int // where each value name is defined
	fixups []fixup
}

// structInfo is a struct type whose layout waits until every type it contains is known.
type structInfo struct {
	s        *Struct
	names    []string
	types    []Type
	consts   []bool
	at       int // where the struct is declared or, for an undeclared one, first used
	declared bool
	state    uint8 // 0: not laid out, 1: being laid out, 2: laid out
}

type pendingCall struct {
	v    *Value
	name string
	at   int
}

// ref is a value or block name used at an offset of the text.
type ref struct {
	name string
	at   int
}

type fixup struct {
	v   *Value
	arg int
	ref ref
}

// fail stops parsing with an error at offset off.
func (p *parser) fail(off int, format string, args ...any) {
	line := 1 + strings.Count(p.src[:off], "\n")
	col := off - strings.LastIndexByte(p.src[:off], '\n')
	panic(&ParseError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// skip skips spaces and comments.
func (p *parser) skip() {
	for p.off < len(p.src) {
		switch c := p.src[p.off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.off++
		case c == ';':
			for p.off < len(p.src) && p.src[p.off] != '\n' {
				p.off++
			}
		default:
			return
		}
	}
}

// peek skips spaces and returns the next byte, or 0 at the end.
func (p *parser) peek() byte {
	p.skip()
	if p.off < len(p.src) {
		return p.src[p.off]
	}
	return 0
}

// here skips spaces and returns the offset of what comes next.
func (p *parser) here() int {
	p.skip()
	return p.off
}

// got consumes the punctuation s if it comes next.
func (p *parser) got(s string) bool {
	p.skip()
	if strings.HasPrefix(p.src[p.off:], s) {
		p.off += len(s)
		return true
	}
	return false
}

func (p *parser) expect(s, what string) {
	if !p.got(s) {
		p.fail(p.off, "expected %q %s, found %s", s, what, p.found())
	}
}

// found describes what is at the current offset, for errors.
func (p *parser) found() string {
	p.skip()
	if p.off >= len(p.src) {
		return "the end of the text"
	}
	end := p.off
	for end < len(p.src) && end-p.off < 20 && p.src[end] != '\n' {
		end++
	}
	if end == p.off {
		return "a line break"
	}
	return strconv.Quote(p.src[p.off:end])
}

func isNameByte(c byte) bool { return c < 0x80 && isNameRune(rune(c)) }

// word reads a run of name characters (letters, digits, _ . / $ -), possibly empty.
func (p *parser) word() string {
	p.skip()
	start := p.off
	for p.off < len(p.src) && isNameByte(p.src[p.off]) {
		p.off++
	}
	return p.src[start:p.off]
}

// peekWord returns the word that comes next without consuming it.
func (p *parser) peekWord() string {
	off := p.off
	w := p.word()
	p.off = off
	return w
}

// name reads a name as quoteName writes it: a word, or a Go quoted string. It does not skip
// spaces before the name.
func (p *parser) name(what string) string {
	if p.off < len(p.src) && p.src[p.off] == '"' {
		q, err := strconv.QuotedPrefix(p.src[p.off:])
		if err != nil {
			p.fail(p.off, "bad quoted %s", what)
		}
		s, err := strconv.Unquote(q)
		if err != nil {
			p.fail(p.off, "bad quoted %s", what)
		}
		p.off += len(q)
		return s
	}
	start := p.off
	for p.off < len(p.src) && isNameByte(p.src[p.off]) {
		p.off++
	}
	if p.off == start {
		p.fail(start, "expected %s, found %s", what, p.found())
	}
	return p.src[start:p.off]
}

// sigil reads c (% or @) followed at once by a name.
func (p *parser) sigil(c byte, what string) (string, int) {
	p.skip()
	at := p.here()
	if p.off >= len(p.src) || p.src[p.off] != c {
		p.fail(p.off, "expected %s, found %s", what, p.found())
	}
	p.off++
	return p.name(what), at
}

// integer reads a decimal int64.
func (p *parser) integer(what string) int64 {
	p.skip()
	start := p.off
	if p.off < len(p.src) && p.src[p.off] == '-' {
		p.off++
	}
	for p.off < len(p.src) && p.src[p.off] >= '0' && p.src[p.off] <= '9' {
		p.off++
	}
	n, err := strconv.ParseInt(p.src[start:p.off], 10, 64)
	if err != nil {
		p.off = start
		p.fail(start, "expected %s (an integer), found %s", what, p.found())
	}
	return n
}

// label reads a block name, bN.
func (p *parser) label() ref {
	p.skip()
	at := p.here()
	w := p.word()
	if !isLabel(w) {
		p.off = at
		p.fail(at, "expected a block (bN), found %s", p.found())
	}
	return ref{w, at}
}

func isLabel(w string) bool {
	if len(w) < 2 || w[0] != 'b' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

func (p *parser) module() {
	for p.peek() != 0 {
		at := p.here()
		switch w := p.word(); w {
		case "type":
			p.typeDecl()
		case "func", "kernel":
			p.function(w == "kernel")
		default:
			p.off = at
			p.fail(at, "expected type, func or kernel, found %s", p.found())
		}
	}
	for _, info := range p.layouts.order {
		if info.s.Name != "" && !info.declared {
			p.fail(info.at, "type %%%s is not declared", quoteName(info.s.Name))
		}
	}
	if err := p.layouts.run(); err != nil {
		p.fail(err.at, "%s", err.msg)
	}
	for _, c := range p.calls {
		f := p.funcs[c.name]
		if f == nil {
			p.fail(c.at, "call of undefined function @%s", quoteName(c.name))
		}
		c.v.Aux = f
	}
}

// namedStruct returns the named struct name, declared or not yet.
func (p *parser) namedStruct(name string, at int) *Struct {
	if s := p.named[name]; s != nil {
		return s
	}
	s := &Struct{Name: name}
	p.named[name] = s
	p.layouts.add(s, at)
	return s
}

func (p *parser) typeDecl() {
	name, at := p.sigil('%', "a type name (%name)")
	s := p.namedStruct(name, at)
	info := p.layouts.infos[s]
	if info.declared {
		p.fail(at, "type %%%s declared twice", quoteName(name))
	}
	info.declared, info.at = true, at
	p.expect("=", "after the type's name")
	if p.peek() != '{' {
		p.fail(p.off, "expected a struct body {...}, found %s", p.found())
	}
	p.fields(info)
	p.m.Types = append(p.m.Types, s)
}

// fields reads a struct body {name type [const], ...} into info.
func (p *parser) fields(info *structInfo) {
	p.expect("{", "to start a struct")
	if p.got("}") {
		return
	}
	for {
		p.skip()
		info.names = append(info.names, p.name("a field name"))
		info.types = append(info.types, p.typ())
		isConst := false
		if p.peekWord() == "const" {
			p.word()
			isConst = true
		}
		info.consts = append(info.consts, isConst)
		if p.got("}") {
			return
		}
		p.expect(",", "or } after a field")
	}
}

// structLayouts lays out the struct types a reader makes: the reader makes each *Struct when it
// first meets it, and the layout waits until every type that struct holds by value is known.
type structLayouts struct {
	infos map[*Struct]*structInfo
	order []*structInfo // in the order the reader met them
	depth int
}

// layoutError says why a struct cannot be laid out, at the reader's offset of it.
type layoutError struct {
	at  int
	msg string
}

// add records s, met at offset at, to be laid out from info's names, types and consts.
func (l *structLayouts) add(s *Struct, at int) *structInfo {
	if l.infos == nil {
		l.infos = map[*Struct]*structInfo{}
	}
	info := &structInfo{s: s, at: at}
	l.infos[s] = info
	l.order = append(l.order, info)
	return info
}

// run lays out every struct.
func (l *structLayouts) run() *layoutError {
	for _, info := range l.order {
		if err := l.layout(info); err != nil {
			return err
		}
	}
	return nil
}

// layout lays a struct out after every struct it holds by value.
func (l *structLayouts) layout(info *structInfo) *layoutError {
	switch info.state {
	case 2:
		return nil
	case 1:
		return &layoutError{info.at, fmt.Sprintf("type %s contains itself", info.s)}
	}
	if l.depth++; l.depth > maxStructNesting {
		return &layoutError{info.at, fmt.Sprintf("structs nested more than %d deep", maxStructNesting)}
	}
	defer func() { l.depth-- }()
	info.state = 1
	var size int64
	for _, t := range info.types {
		if err := l.layoutType(t, info); err != nil {
			return err
		}
		if size += t.Size(); size > maxTypeSize {
			return &layoutError{info.at, fmt.Sprintf("struct type is larger than %d bytes", int64(maxTypeSize))}
		}
	}
	s := NewStruct(info.s.Name, info.names, info.types)
	for i, c := range info.consts {
		s.Fields[i].Const = c
	}
	*info.s = *s
	info.state = 2
	return nil
}

func (l *structLayouts) layoutType(t Type, in *structInfo) *layoutError {
	switch t := t.(type) {
	case *Array:
		if err := l.layoutType(t.Elem, in); err != nil {
			return err
		}
		if es := t.Elem.Size(); t.Len > 0 && es > maxTypeSize/t.Len {
			return &layoutError{in.at, fmt.Sprintf("array type [%d]%s is larger than %d bytes", t.Len, t.Elem, int64(maxTypeSize))}
		}
	case *Struct:
		if info := l.infos[t]; info != nil {
			return l.layout(info)
		}
	}
	return nil
}

var basicByName = map[string]*Basic{
	"bool": BoolType, "i8": Int8Type, "i16": Int16Type, "i32": Int32Type, "i64": Int64Type,
	"u8": Uint8Type, "u16": Uint16Type, "u32": Uint32Type, "u64": Uint64Type,
	"f32": Float32Type, "f64": Float64Type,
}

var spaceByName = map[string]Space{"generic": Generic, "global": Global, "shared": Shared, "private": Private, "args": Args}

// typ reads a type.
func (p *parser) typ() Type {
	p.depth++
	defer func() { p.depth-- }()
	at := p.here()
	if p.depth > maxTypeDepth {
		p.fail(at, "type nested more than %d deep", maxTypeDepth)
	}
	switch p.peek() {
	case '%':
		name, at := p.sigil('%', "a type name")
		return p.namedStruct(name, at)
	case '{':
		s := &Struct{}
		p.fields(p.layouts.add(s, p.off))
		return s
	case '(':
		p.off++
		t := &Tuple{}
		if p.got(")") {
			return t
		}
		for {
			t.Types = append(t.Types, p.typ())
			if p.got(")") {
				return t
			}
			p.expect(",", "or ) in a tuple type")
		}
	case '[':
		p.off++
		n := p.integer("an array length")
		if n < 0 {
			p.fail(at, "array of negative length %d", n)
		}
		p.expect("]", "after the array length")
		return &Array{Len: n, Elem: p.typ()}
	}
	at = p.here()
	w := p.word()
	if b := basicByName[w]; b != nil {
		return b
	}
	if w == "ptr" || w == "slice" {
		p.expect("<", "after "+w)
		sat := p.here()
		sw := p.word()
		space, ok := spaceByName[sw]
		if !ok {
			p.off = sat
			p.fail(sat, "expected an address space (generic, global, shared, private or args), found %s", p.found())
		}
		p.expect(",", "after the address space")
		elem := p.typ()
		p.expect(">", "to end the "+w+" type")
		if w == "ptr" {
			return &Pointer{Elem: elem, Space: space}
		}
		return &Slice{Elem: elem, Space: space}
	}
	p.off = at
	p.fail(at, "expected a type, found %s", p.found())
	return nil
}

// bodyAhead reports whether a { that comes next starts a function's body rather than a struct
// type (its result): a body starts with a block label, and {} is an empty struct only when more
// of the header or the body follows.
func (p *parser) bodyAhead() bool {
	off := p.off
	defer func() { p.off = off }()
	p.off++ // {
	if p.got("}") {
		c := p.peek()
		return !(c == '{' || c == '@' || p.peekWord() == "access")
	}
	w := p.word()
	return isLabel(w) && p.off < len(p.src) && p.src[p.off] == ':'
}

// pos reads an optional position @file:line:col.
func (p *parser) pos() Pos {
	if p.peek() != '@' {
		return Pos{}
	}
	file, at := p.sigil('@', "a file name")
	p.expect(":", "after the file name of a position")
	line := p.integer("a line number")
	p.expect(":", "after the line number")
	col := p.integer("a column number")
	if line < 1 || line > math.MaxInt32 || col < 0 || col > math.MaxInt32 {
		p.fail(at, "position %s:%d:%d out of range", file, line, col)
	}
	return Pos{File: file, Line: int32(line), Col: int32(col)}
}

var accessByName = map[string]Access{"none": AccessNone, "read": AccessRead, "write": AccessWrite, "readwrite": AccessRead | AccessWrite}

// pendingTerm is a terminator whose blocks and values are resolved at the end of its function.
type pendingTerm struct {
	kind     BlockKind
	controls []ref
	succs    []ref
	msg      string
	pos      Pos
}

type pendingPhi struct {
	v     *Value
	preds []ref
	at    int
}

func (p *parser) function(kernel bool) {
	name, at := p.sigil('@', "a function name (@name)")
	if p.funcs[name] != nil {
		p.fail(at, "function @%s defined twice", quoteName(name))
	}
	p.values, p.defs, p.fixups = map[string]*Value{}, map[string]int{}, nil

	// The header.
	p.expect("(", "to start the params")
	var pnames []ref
	var ptypes []Type
	if !p.got(")") {
		for {
			n, at := p.sigil('%', "a param name (%N)")
			pnames = append(pnames, ref{n, at})
			ptypes = append(ptypes, p.typ())
			if p.got(")") {
				break
			}
			p.expect(",", "or ) after a param")
		}
	}
	result := Void
	if c := p.peek(); c != '@' && !(c == '{' && p.bodyAhead()) && p.peekWord() != "access" {
		result = p.typ()
	}
	var access []Access
	if p.peekWord() == "access" {
		p.word()
		p.expect("(", "after access")
		for {
			at := p.here()
			a, ok := accessByName[p.word()]
			if !ok {
				p.off = at
				p.fail(at, "expected none, read, write or readwrite, found %s", p.found())
			}
			access = append(access, a)
			if p.got(")") {
				break
			}
			p.expect(",", "or ) in access")
		}
	}
	fpos := p.pos()

	f := p.m.NewFunc(name, ptypes, result)
	f.Kernel, f.Access, f.Pos = kernel, access, fpos
	p.funcs[name] = f
	for i, n := range pnames {
		p.define(n, f.Params[i])
	}

	// The blocks.
	p.expect("{", "to start the function's body")
	labels := map[string]*Block{}
	names := map[*Block]string{}
	terms := map[*Block]*pendingTerm{}
	var phis []pendingPhi
	for p.peek() != '}' {
		if p.off >= len(p.src) {
			p.fail(p.off, "expected a block or } to end function @%s, found the end of the text", quoteName(name))
		}
		l := p.label()
		p.expect(":", "after the block's name")
		if labels[l.name] != nil {
			p.fail(l.at, "block %s defined twice", l.name)
		}
		b := f.Entry()
		if len(labels) > 0 {
			b = f.NewBlock()
		}
		labels[l.name], names[b] = b, l.name
		for {
			t, phi := p.instr(b, l)
			if phi != nil {
				phis = append(phis, *phi)
			}
			if t != nil {
				terms[b] = t
				break
			}
		}
	}
	p.off++ // }
	if len(labels) == 0 {
		p.fail(p.off-1, "function @%s has no blocks", quoteName(name))
	}

	// Resolve values, then blocks: set the terminators, which make the preds in block order.
	for _, fx := range p.fixups {
		fx.v.Args[fx.arg] = p.lookup(fx.ref)
	}
	block := func(r ref) *Block {
		b := labels[r.name]
		if b == nil {
			p.fail(r.at, "undefined block %s", r.name)
		}
		return b
	}
	for _, b := range f.Blocks {
		t := terms[b]
		var controls []*Value
		for _, c := range t.controls {
			controls = append(controls, p.lookup(c))
		}
		var succs []*Block
		for _, s := range t.succs {
			succs = append(succs, block(s))
		}
		b.Pos = t.pos
		switch t.kind {
		case BlockJump:
			b.Jump(succs[0])
		case BlockIf:
			b.If(controls[0], succs[0], succs[1])
		case BlockReturn:
			b.Return(controls...)
		case BlockPanic:
			b.Panic(t.msg)
		}
	}

	// Order each block's preds as its first phi lists them, and every phi's operands by them.
	ordered := map[*Block]bool{}
	for _, ph := range phis {
		b := ph.v.Block
		listed := make([]*Block, len(ph.preds))
		for i, r := range ph.preds {
			listed[i] = block(r)
		}
		if !ordered[b] {
			ordered[b] = true
			if problem := samePreds(listed, b.Preds, names); problem != "" {
				p.fail(ph.at, "%s", problem)
			}
			b.Preds = listed
			continue
		}
		if problem := samePreds(listed, b.Preds, names); problem != "" {
			p.fail(ph.at, "%s (as the block's first phi lists them)", problem)
		}
		// The operands for each pred, in the order listed, for its edges in order.
		byPred := map[*Block][]*Value{}
		for i, lb := range listed {
			byPred[lb] = append(byPred[lb], ph.v.Args[i])
		}
		args := make([]*Value, len(b.Preds))
		for k, pred := range b.Preds {
			args[k] = byPred[pred][0]
			byPred[pred] = byPred[pred][1:]
		}
		ph.v.Args = args
	}
}

// samePreds says how a phi's list of blocks differs from the block's predecessors, or "".
func samePreds(listed, preds []*Block, names map[*Block]string) string {
	count := map[*Block]int{}
	for _, b := range preds {
		count[b]++
	}
	for _, b := range listed {
		if count[b]--; count[b] < 0 {
			return fmt.Sprintf("phi lists %s more times than it is a predecessor of the block", names[b])
		}
	}
	for _, b := range preds {
		if count[b] > 0 {
			return fmt.Sprintf("phi does not list predecessor %s for each edge from it", names[b])
		}
	}
	return ""
}

func (p *parser) define(r ref, v *Value) {
	if prev, dup := p.defs[r.name]; dup {
		line := 1 + strings.Count(p.src[:prev], "\n")
		p.fail(r.at, "value %%%s defined twice (first on line %d)", quoteName(r.name), line)
	}
	p.defs[r.name] = r.at
	p.values[r.name] = v
}

func (p *parser) lookup(r ref) *Value {
	v := p.values[r.name]
	if v == nil {
		p.fail(r.at, "undefined value %%%s", quoteName(r.name))
	}
	return v
}

// operand reads %name.
func (p *parser) operand() ref {
	n, at := p.sigil('%', "an operand (%N)")
	return ref{n, at}
}

// operands reads a possibly empty list of operands separated by commas.
func (p *parser) operands() []ref {
	if p.peek() != '%' {
		return nil
	}
	refs := []ref{p.operand()}
	for p.got(",") {
		refs = append(refs, p.operand())
	}
	return refs
}

var (
	opByName        = map[string]Op{}
	intrinsicByName = map[string]Intrinsic{}
	atomicByName    = map[string]AtomicOp{}
	boundsByName    = map[string]BoundsKind{}
)

func init() {
	for op := OpInvalid + 1; op < numOps; op++ {
		opByName[op.String()] = op
	}
	for in := Intrinsic(0); in < numIntrinsics; in++ {
		intrinsicByName[in.String()] = in
	}
	for a := AtomicOp(0); a < numAtomicOps; a++ {
		atomicByName[a.String()] = a
	}
	for k := BoundsKind(0); k < numBoundsKinds; k++ {
		boundsByName[k.String()] = k
	}
}

// instr reads an instruction into b, or b's terminator, which it returns.
func (p *parser) instr(b *Block, l ref) (*pendingTerm, *pendingPhi) {
	var result ref
	hasResult := p.peek() == '%'
	if hasResult {
		result = p.operand()
		p.expect("=", "after the value's name")
	}
	at := p.here()
	p.skip()
	w := p.word()
	if !hasResult {
		if t := p.terminator(w); t != nil {
			return t, nil
		}
		if isLabel(w) && p.off < len(p.src) && p.src[p.off] == ':' {
			p.fail(at, "block %s has no terminator before block %s", l.name, w)
		}
	}
	op, ok := opByName[w]
	if !ok {
		p.off = at
		if c := p.peek(); w == "" && (c == '}' || c == 0) {
			p.fail(p.off, "block %s has no terminator before %s", l.name, p.found())
		}
		p.fail(at, "expected an instruction, found %s", p.found())
	}
	var args []ref
	var auxInt int64
	var lit ref
	var callee ref
	var phi *pendingPhi
	switch op {
	case OpParam:
		p.fail(at, "params are declared in the function's header")
	case OpConst:
		lit = p.literal()
	case OpZero, OpLocal:
	case OpShared:
		auxInt = p.integer("the shared variable's number")
	case OpFieldAddr, OpField, OpExtract:
		args = []ref{p.operand()}
		p.expect(",", "before the index")
		auxInt = p.integer("an index")
	case OpCheckBounds:
		kat := p.here()
		k, ok := boundsByName[p.word()]
		if !ok {
			p.off = kat
			p.fail(kat, "expected a bounds check kind (%s), found %s", strings.Join(boundsNames[:], ", "), p.found())
		}
		auxInt = int64(k)
		if p.peekWord() == "signed" {
			p.word()
			auxInt |= BoundsSigned
		}
		args = p.operands()
	case OpCall:
		n, at := p.sigil('@', "the called function (@name)")
		callee = ref{n, at}
		p.expect("(", "before the arguments")
		args = p.operands()
		p.expect(")", "after the arguments")
	case OpIntrinsic:
		iat := p.here()
		in, ok := intrinsicByName[p.word()]
		if !ok {
			p.off = iat
			p.fail(iat, "expected an intrinsic's name, found %s", p.found())
		}
		auxInt = int64(in)
		p.expect("(", "before the intrinsic's operands")
		args = p.operands()
		p.expect(")", "after the intrinsic's operands")
	case OpAtomic:
		aat := p.here()
		a, ok := atomicByName[p.word()]
		if !ok {
			p.off = aat
			p.fail(aat, "expected an atomic operation (%s), found %s", strings.Join(atomicNames[:], ", "), p.found())
		}
		auxInt = int64(a)
		args = p.operands()
	case OpPhi:
		phi = &pendingPhi{at: at}
		if p.peek() == '[' {
			for {
				p.expect("[", "to start a phi's entry")
				args = append(args, p.operand())
				p.expect(",", "after the phi's value")
				phi.preds = append(phi.preds, p.label())
				p.expect("]", "to end the phi's entry")
				if !p.got(",") {
					break
				}
			}
		}
	default:
		args = p.operands()
	}
	var t Type = Void
	if hasResult {
		p.expect(":", "and the result's type")
		t = p.typ()
	} else if p.peek() == ':' {
		p.fail(p.off, "an instruction without a result has no type (name its result: %%N = %s ...)", op)
	}
	v := b.NewValue(op, t)
	v.AuxInt = auxInt
	v.Pos = p.pos()
	if len(args) > 0 {
		v.Args = make([]*Value, len(args))
		for i, r := range args {
			p.fixups = append(p.fixups, fixup{v, i, r})
		}
	}
	if hasResult {
		p.define(result, v)
	}
	switch op {
	case OpConst:
		v.AuxInt = p.constBits(lit, t)
	case OpCall:
		p.calls = append(p.calls, pendingCall{v, callee.name, callee.at})
	case OpPhi:
		phi.v = v
	}
	return nil, phi
}

// terminator reads the rest of a terminator that starts with the word w, or returns nil when w
// is not a terminator's.
func (p *parser) terminator(w string) *pendingTerm {
	t := &pendingTerm{}
	switch w {
	case "jump":
		t.kind = BlockJump
		t.succs = []ref{p.label()}
	case "if":
		t.kind = BlockIf
		t.controls = []ref{p.operand()}
		p.expect(",", "after the condition")
		t.succs = []ref{p.label()}
		p.expect(",", "between the two blocks")
		t.succs = append(t.succs, p.label())
	case "return":
		t.kind = BlockReturn
		t.controls = p.operands()
	case "panic":
		t.kind = BlockPanic
		p.skip()
		if p.off >= len(p.src) || p.src[p.off] != '"' {
			p.fail(p.off, "expected the panic's message (a quoted string), found %s", p.found())
		}
		t.msg = p.name("panic message")
	default:
		return nil
	}
	t.pos = p.pos()
	return t
}

// literal reads a constant's literal; its meaning depends on the type that follows.
func (p *parser) literal() ref {
	p.skip()
	at := p.here()
	for p.off < len(p.src) {
		c := p.src[p.off]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '+' || c == '-' || c == '_') {
			break
		}
		p.off++
	}
	if p.src[at:p.off] == "nan" && p.off < len(p.src) && p.src[p.off] == '(' {
		end := strings.IndexByte(p.src[p.off:], ')')
		if end < 0 {
			p.fail(p.off, "expected ) to end nan(0x...)")
		}
		p.off += end + 1
	}
	if p.off == at {
		p.fail(at, "expected a constant, found %s", p.found())
	}
	return ref{p.src[at:p.off], at}
}

// constBits converts a literal to an OpConst's AuxInt for type t.
func (p *parser) constBits(lit ref, t Type) int64 {
	s := lit.name
	b, ok := t.(*Basic)
	if !ok {
		p.fail(lit.at, "a constant is a scalar, not %s", t)
	}
	switch {
	case b.Kind == Bool:
		switch s {
		case "true":
			return 1
		case "false":
			return 0
		}
		p.fail(lit.at, "expected true or false, found %q", s)
	case b.IsSigned():
		v, err := strconv.ParseInt(s, 10, b.Bits())
		if err != nil {
			p.fail(lit.at, "bad %s constant %q: %s", b, s, errReason(err))
		}
		return v
	case b.IsInteger():
		v, err := strconv.ParseUint(s, 10, b.Bits())
		if err != nil {
			p.fail(lit.at, "bad %s constant %q: %s", b, s, errReason(err))
		}
		return int64(v)
	}
	bits := b.Bits()
	if h, ok := strings.CutPrefix(s, "nan(0x"); ok {
		h, ok = strings.CutSuffix(h, ")")
		v, err := strconv.ParseUint(h, 16, bits)
		if !ok || err != nil || len(h) != bits/4 {
			p.fail(lit.at, "bad NaN %q: want nan(0x%s) with %d hex digits", s, strings.Repeat("X", bits/4), bits/4)
		}
		var isNaN bool
		if bits == 32 {
			f := math.Float32frombits(uint32(v))
			isNaN = f != f
		} else {
			isNaN = math.IsNaN(math.Float64frombits(v))
		}
		if !isNaN {
			p.fail(lit.at, "%q is not a NaN", s)
		}
		return int64(v)
	}
	var f float64
	switch s {
	case "+inf":
		f = math.Inf(1)
	case "-inf":
		f = math.Inf(-1)
	default:
		digits := strings.TrimLeft(s, "+-")
		if digits == "" || digits[0] < '0' || digits[0] > '9' {
			p.fail(lit.at, "bad %s constant %q: want a decimal float, +inf, -inf or nan(0x...)", b, s)
		}
		var err error
		f, err = strconv.ParseFloat(s, bits)
		if err != nil {
			p.fail(lit.at, "bad %s constant %q: %s", b, s, errReason(err))
		}
	}
	if bits == 32 {
		return int64(math.Float32bits(float32(f)))
	}
	return int64(math.Float64bits(f))
}

func errReason(err error) string {
	if ne, ok := err.(*strconv.NumError); ok {
		if ne.Err == strconv.ErrRange {
			return "out of range"
		}
		return "not a number"
	}
	return err.Error()
}
