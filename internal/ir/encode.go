package ir

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
)

// The binary encoding of a module, for embedding the IR of a package's kernels in a generated Go
// file: a binary form with string and type tables, compressed with compress/flate when that makes
// it smaller (all but the tiniest modules). Measured in bytes (TestEncodingSize logs the test
// modules; the kernel corpus is every kernel of internal/testkernels as the frontend lowers it):
//
//	module                      text  flate(text)  binary  Encode (flate(binary) and header)
//	saxpy (print_test.go)        809          336     191     165
//	loop (verify_test.go)       1266          548     295     235
//	testdata/ops.ir             4632         1510     952     694
//	testdata/types.ir           1718          639     559     428
//	kernel corpus (123 funcs) 282167        44062   60435   26346
//
// The text form compressed would have been simpler (one format, read by Parse), but at the size
// of a real package it is 1.7 times larger than the compressed binary form, and decoding the
// binary form needs no parser. Uncompressed, the binary form beats the compressed text only on
// small modules, because the package paths in names and the positions compress well. Decode also
// reads the raw form, which Encode writes when compressing does not help; the tests and fuzz
// targets feed it both.
//
// Layout: varints are encoding/binary's (uvarint, or zigzag varint where marked ±). A type or
// string is its index in its table.
//
//	magic "GBIR", version (1 byte), form (1 byte: 0 raw, 1 what follows is compressed)
//	strings:  count, then each: length, bytes
//	named:    count, then each named struct's name (a string); the types say what they hold
//	types:    count, then each: a tag byte and
//	            void 0 | basic kind 1..11 | 12 ptr: space, elem | 13 slice: space, elem
//	            | 14 array: length, elem | 15 unnamed struct: fields | 16 named: its index
//	            | 17 tuple: count, types
//	          an entry refers only to entries before it; a named struct breaks the cycles
//	fields:   for each named struct, its fields
//	            (fields are a count, then each: name, type, const (1 byte))
//	funcs:    count, then each:
//	            name, flags (1 kernel, 2 has a position, 4 has access), [position],
//	            result type, params: count, types, [access: count, bytes],
//	            number of values (params and instructions with a result), blocks: count, each:
//	              instructions: count, each:
//	                op | 0x40 if it has a position | 0x80 if AuxInt != 0, type,
//	                operands: count, each ± (the value's number minus this one's),
//	                [AuxInt ±, but a float constant's bits byte-reversed (see floatAux)],
//	                [call: the callee's index in funcs], [position]
//	              terminator: kind | 0x80 if it has a position, controls: count, each ±,
//	                successors: count, block indices, [panic: message], [position]
//	              predecessors: count, block indices (their order is the phis')
//	position: file, ± line (from the function's previous position), column
//
// Values are numbered as Print numbers them: params, then the instructions that have a result,
// in block order.
const (
	encodingMagic   = "GBIR"
	encodingVersion = 1
	formRaw         = 0
	formDeflate     = 1
)

// An instruction's head byte keeps its op in 6 bits: this fails to compile when there are more.
const _ = 0x3f - numOps

// The tags of the types table; 1 to 11 are the BasicKinds.
const (
	tagVoid      = 0
	tagBasicLast = int(Float64)
	tagPointer   = 12
	tagSlice     = 13
	tagArray     = 14
	tagStruct    = 15
	tagNamed     = 16
	tagTuple     = 17
)

// Encode returns the binary encoding of m, which Decode reads back. m must pass Verify: what
// Encode gives for an invalid module may not decode.
func Encode(m *Module) []byte {
	return encodeForm(m, -1)
}

// encodeForm encodes m in the given form, or in the smaller one when form is -1.
func encodeForm(m *Module, form int) []byte {
	raw := encodeRaw(m)
	out := append([]byte(encodingMagic), encodingVersion)
	if form != formRaw {
		var z bytes.Buffer
		w, err := flate.NewWriter(&z, flate.BestCompression)
		if err != nil {
			panic("geobacter: BUG: " + err.Error())
		}
		w.Write(raw) // a bytes.Buffer does not fail
		w.Close()
		if form == formDeflate || z.Len() < len(raw) {
			return append(append(out, formDeflate), z.Bytes()...)
		}
	}
	return append(append(out, formRaw), raw...)
}

// encodeRaw encodes m without the header and without compression.
func encodeRaw(m *Module) []byte {
	e := &encoder{m: m, strings: map[string]int{}, types: map[string]int{}, typePtrs: map[Type]int{},
		named: map[string]int{}, funcs: map[*Func]int{}}
	for i, f := range m.Funcs {
		e.funcs[f] = i
	}
	for _, t := range m.Types {
		e.namedIndex(t)
	}
	// Functions first, so that every type and string they use is in the tables.
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(m.Funcs)))
	for _, f := range m.Funcs {
		body = e.fn(body, f)
	}
	var fields []byte
	for i := 0; i < len(e.namedList); i++ { // fields may name more named structs
		s := e.namedList[i]
		fields = binary.AppendUvarint(fields, uint64(len(s.Fields)))
		for _, f := range s.Fields {
			fields = e.str(fields, f.Name)
			fields = e.typ(fields, f.Type)
			fields = append(fields, b2u(f.Const))
		}
	}
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(e.stringList)))
	for _, s := range e.stringList {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, uint64(len(e.namedList)))
	for _, s := range e.namedList {
		out = binary.AppendUvarint(out, uint64(e.strings[s.Name]))
	}
	out = binary.AppendUvarint(out, uint64(e.ntypes))
	out = append(out, e.typeTable...)
	out = append(out, fields...)
	return append(out, body...)
}

type encoder struct {
	m          *Module
	strings    map[string]int
	stringList []string
	types      map[string]int // by String(), which is unique for each type up to Identical
	typePtrs   map[Type]int   // the same, by identity, to spare String() for types met before
	typeTable  []byte
	ntypes     int
	named      map[string]int
	namedList  []*Struct
	funcs      map[*Func]int
	num        map[*Value]int
	blocks     map[*Block]int
	line       int32
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (e *encoder) str(buf []byte, s string) []byte {
	i, ok := e.strings[s]
	if !ok {
		i = len(e.stringList)
		e.strings[s] = i
		e.stringList = append(e.stringList, s)
	}
	return binary.AppendUvarint(buf, uint64(i))
}

func (e *encoder) namedIndex(s *Struct) int {
	i, ok := e.named[s.Name]
	if !ok {
		i = len(e.namedList)
		e.named[s.Name] = i
		e.namedList = append(e.namedList, s)
		e.str(nil, s.Name)
	}
	return i
}

// typ appends t's index in the types table, adding t (after its parts) when it is new.
func (e *encoder) typ(buf []byte, t Type) []byte {
	return binary.AppendUvarint(buf, uint64(e.typeIndex(t)))
}

func (e *encoder) typeIndex(t Type) int {
	if i, ok := e.typePtrs[t]; ok {
		return i
	}
	key := t.String()
	if i, ok := e.types[key]; ok {
		e.typePtrs[t] = i
		return i
	}
	var entry []byte
	switch t := t.(type) {
	case voidType:
		entry = []byte{tagVoid}
	case *Basic:
		entry = []byte{byte(t.Kind)}
	case *Pointer:
		entry = e.typ([]byte{tagPointer, byte(t.Space)}, t.Elem)
	case *Slice:
		entry = e.typ([]byte{tagSlice, byte(t.Space)}, t.Elem)
	case *Array:
		entry = e.typ(binary.AppendUvarint([]byte{tagArray}, uint64(t.Len)), t.Elem)
	case *Struct:
		if t.Name != "" {
			entry = binary.AppendUvarint([]byte{tagNamed}, uint64(e.namedIndex(t)))
			break
		}
		entry = binary.AppendUvarint([]byte{tagStruct}, uint64(len(t.Fields)))
		for _, f := range t.Fields {
			entry = e.str(entry, f.Name)
			entry = e.typ(entry, f.Type)
			entry = append(entry, b2u(f.Const))
		}
	case *Tuple:
		entry = binary.AppendUvarint([]byte{tagTuple}, uint64(len(t.Types)))
		for _, et := range t.Types {
			entry = e.typ(entry, et)
		}
	default:
		panic(fmt.Sprintf("geobacter: BUG: ir.Encode of a type %T", t))
	}
	i := e.ntypes
	e.ntypes++
	e.types[key], e.typePtrs[t] = i, i
	e.typeTable = append(e.typeTable, entry...)
	return i
}

func (e *encoder) pos(buf []byte, p Pos) []byte {
	buf = e.str(buf, p.File)
	buf = binary.AppendVarint(buf, int64(p.Line)-int64(e.line))
	e.line = p.Line
	return binary.AppendUvarint(buf, uint64(p.Col))
}

func (e *encoder) refs(buf []byte, vs []*Value, cur int) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(vs)))
	for _, v := range vs {
		n, ok := e.num[v]
		if !ok {
			n = -1 << 40 // not a value of the function: Decode reports it
		}
		buf = binary.AppendVarint(buf, int64(n-cur))
	}
	return buf
}

func (e *encoder) fn(buf []byte, f *Func) []byte {
	e.num, e.blocks, e.line = map[*Value]int{}, map[*Block]int{}, 0
	n := 0
	for _, p := range f.Params {
		e.num[p] = n
		n++
	}
	for i, b := range f.Blocks {
		e.blocks[b] = i
		for _, v := range b.Instrs {
			if v.Op != OpParam && v.Type != Void {
				e.num[v] = n
				n++
			}
		}
	}
	buf = e.str(buf, f.Name)
	flags := b2u(f.Kernel)
	if f.Pos.IsKnown() {
		flags |= 2
	}
	if len(f.Access) > 0 {
		flags |= 4
	}
	buf = append(buf, flags)
	if f.Pos.IsKnown() {
		buf = e.pos(buf, f.Pos)
	}
	result := f.Result
	if result == nil {
		result = Void
	}
	buf = e.typ(buf, result)
	buf = binary.AppendUvarint(buf, uint64(len(f.Params)))
	for _, p := range f.Params {
		buf = e.typ(buf, p.Type)
	}
	if len(f.Access) > 0 {
		buf = binary.AppendUvarint(buf, uint64(len(f.Access)))
		for _, a := range f.Access {
			buf = append(buf, byte(a))
		}
	}
	buf = binary.AppendUvarint(buf, uint64(n))
	buf = binary.AppendUvarint(buf, uint64(len(f.Blocks)))
	cur := len(f.Params)
	for _, b := range f.Blocks {
		count := 0
		for _, v := range b.Instrs {
			if v.Op != OpParam {
				count++
			}
		}
		buf = binary.AppendUvarint(buf, uint64(count))
		for _, v := range b.Instrs {
			if v.Op == OpParam {
				continue
			}
			head := byte(v.Op)
			if v.Pos.IsKnown() {
				head |= 0x40
			}
			if v.AuxInt != 0 {
				head |= 0x80
			}
			buf = append(buf, head)
			buf = e.typ(buf, v.Type)
			buf = e.refs(buf, v.Args, cur)
			if v.AuxInt != 0 {
				if v.Op == OpConst && isFloat(v.Type) {
					buf = binary.AppendUvarint(buf, floatAux(v.Type, v.AuxInt))
				} else {
					buf = binary.AppendVarint(buf, v.AuxInt)
				}
			}
			if v.Op == OpCall {
				i, ok := e.funcs[v.Callee()]
				if !ok {
					i = len(e.m.Funcs) // Decode reports it
				}
				buf = binary.AppendUvarint(buf, uint64(i))
			}
			if v.Pos.IsKnown() {
				buf = e.pos(buf, v.Pos)
			}
			if v.Type != Void {
				cur++
			}
		}
		head := byte(b.Kind)
		if b.Pos.IsKnown() {
			head |= 0x80
		}
		buf = append(buf, head)
		buf = e.refs(buf, b.Controls, cur)
		buf = e.blockList(buf, b.Succs)
		if b.Kind == BlockPanic {
			buf = e.str(buf, b.Msg)
		}
		if b.Pos.IsKnown() {
			buf = e.pos(buf, b.Pos)
		}
		buf = e.blockList(buf, b.Preds)
	}
	return buf
}

// floatAux reverses the bytes of a float constant's bits (float32's in the low 32 bits), so that
// round numbers, whose low mantissa bytes are zero, make short varints. It is its own inverse.
func floatAux(t Type, aux int64) uint64 {
	if IsBasic(t, Float32) {
		return uint64(bits.ReverseBytes32(uint32(aux)))
	}
	return bits.ReverseBytes64(uint64(aux))
}

func (e *encoder) blockList(buf []byte, bs []*Block) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(bs)))
	for _, b := range bs {
		i, ok := e.blocks[b]
		if !ok {
			i = len(e.blocks) // Decode reports it
		}
		buf = binary.AppendUvarint(buf, uint64(i))
	}
	return buf
}

// DecodeError is a problem with the bytes given to Decode, at an offset in them, or in the module
// they inflate to when they are compressed.
type DecodeError struct {
	Offset   int
	Inflated bool // Offset is in the inflated module
	Msg      string
}

// Error formats the error as "ir: decode: at byte N: message".
func (e *DecodeError) Error() string {
	if e.Inflated {
		return fmt.Sprintf("ir: decode: at byte %d of the inflated module: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("ir: decode: at byte %d: %s", e.Offset, e.Msg)
}

// maxTypeNodes bounds the size of one decoded type counted as a tree (named structs count one):
// types are shared in the encoding, so a few bytes could otherwise describe a type whose text
// and comparison take exponential time.
const maxTypeNodes = 1 << 12

// Decode reads a module that Encode wrote. For any other bytes it returns an error that says what
// is wrong and where (a *DecodeError, or a *VerifyError wrapped), without panicking; what it
// allocates is bounded by the length of data (compressed data may inflate to a few hundred times
// its length, see maxInflated, and every count is checked against the bytes left). The module it
// returns has passed Verify.
func Decode(data []byte) (m *Module, err error) {
	d := &decoder{data: data}
	defer func() {
		if r := recover(); r != nil {
			de, ok := r.(*DecodeError)
			if !ok {
				panic(r)
			}
			m, err = nil, de
		}
	}()
	d.header()
	m = d.module()
	if err := Verify(m); err != nil {
		return nil, fmt.Errorf("ir: decode: the module does not verify: %w", err)
	}
	return m, nil
}

type decoder struct {
	data     []byte // the module, after the header and inflated
	off      int
	base     int  // the offset of data in what was given to Decode
	inflated bool // data was compressed
	strings  []string
	types    []Type
	nodes    []int // per type: its size as a tree
	named    []*Struct
	layouts  structLayouts
	funcs    []*Func
	line     int32
}

func (d *decoder) fail(format string, args ...any) {
	panic(&DecodeError{Offset: d.base + d.off, Inflated: d.inflated, Msg: fmt.Sprintf(format, args...)})
}

// maxInflated bounds what Decode inflates compressed data to: a few hundred times the data, far
// more than any IR compresses (about 2.5 times).
func maxInflated(n int) int64 { return min(1<<20+256*int64(n), 1<<30) }

// header reads the magic, the version and the form, and inflates the module if it is compressed.
func (d *decoder) header() {
	if len(d.data) < len(encodingMagic) || string(d.data[:len(encodingMagic)]) != encodingMagic {
		d.fail("not an encoded module (it does not start with %q)", encodingMagic)
	}
	d.off = len(encodingMagic)
	if v := d.byte1("the version"); v != encodingVersion {
		d.off--
		d.fail("encoding version %d, this reader reads version %d", v, encodingVersion)
	}
	form := d.byte1("the form")
	switch form {
	case formRaw:
		d.data, d.base, d.off = d.data[d.off:], d.off, 0
	case formDeflate:
		limit := maxInflated(len(d.data))
		z := bytes.NewReader(d.data[d.off:]) // an io.ByteReader: flate reads no further than its end
		raw, err := io.ReadAll(io.LimitReader(flate.NewReader(z), limit+1))
		if err != nil {
			d.fail("bad compressed data: %v", err)
		}
		if int64(len(raw)) > limit {
			d.fail("the compressed data inflate to more than %d bytes", limit)
		}
		if z.Len() > 0 {
			d.off = len(d.data) - z.Len()
			d.fail("%d bytes after the compressed data", z.Len())
		}
		d.data, d.base, d.off, d.inflated = raw, 0, 0, true
	default:
		d.off--
		d.fail("invalid form %d (0 raw, 1 compressed)", form)
	}
}

func (d *decoder) byte1(what string) byte {
	if d.off >= len(d.data) {
		d.fail("want %s, found the end of the data", what)
	}
	d.off++
	return d.data[d.off-1]
}

func (d *decoder) uvarint(what string) uint64 {
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 {
		if n == 0 {
			d.fail("want %s, found the end of the data", what)
		}
		d.fail("bad varint for %s", what)
	}
	d.off += n
	return v
}

func (d *decoder) varint(what string) int64 {
	v, n := binary.Varint(d.data[d.off:])
	if n <= 0 {
		if n == 0 {
			d.fail("want %s, found the end of the data", what)
		}
		d.fail("bad varint for %s", what)
	}
	d.off += n
	return v
}

// count reads the number of things that follow, each taking at least min bytes.
func (d *decoder) count(what string, min int) int {
	at := d.off
	n := d.uvarint("the number of " + what)
	if left := len(d.data) - d.off; n > uint64(left/min) {
		d.off = at
		d.fail("%d %s do not fit in the %d bytes left", n, what, left)
	}
	return int(n)
}

// index reads an index less than n.
func (d *decoder) index(what string, n int) int {
	at := d.off
	i := d.uvarint(what)
	if i >= uint64(n) {
		d.off = at
		d.fail("%s %d out of range (there are %d)", what, i, n)
	}
	return int(i)
}

func (d *decoder) str(what string) string { return d.strings[d.index(what, len(d.strings))] }

func (d *decoder) typ(what string) Type { return d.types[d.index(what, len(d.types))] }

func (d *decoder) module() *Module {
	d.strings = make([]string, d.count("strings", 1))
	for i := range d.strings {
		n := d.count("bytes in string", 1)
		d.strings[i] = string(d.data[d.off : d.off+n])
		d.off += n
	}
	m := &Module{}
	d.named = make([]*Struct, d.count("named types", 1))
	names := map[string]bool{}
	for i := range d.named {
		at := d.off
		name := d.str("a type's name")
		if name == "" || names[name] {
			d.off = at
			d.fail("named type %d has the name %q, empty or taken", i, name)
		}
		names[name] = true
		d.named[i] = &Struct{Name: name}
		d.layouts.add(d.named[i], at)
		m.Types = append(m.Types, d.named[i])
	}
	d.types = make([]Type, d.count("types", 1))
	d.nodes = make([]int, len(d.types))
	for i := range d.types {
		d.types[i] = d.typeEntry(i)
	}
	for _, s := range d.named {
		d.fields(d.layouts.infos[s])
	}
	if err := d.layouts.run(); err != nil {
		d.off = err.at
		d.fail("%s", err.msg)
	}
	d.funcs = make([]*Func, d.count("functions", 3))
	for i := range d.funcs {
		d.funcs[i] = &Func{Module: m}
	}
	names = map[string]bool{}
	for _, f := range d.funcs {
		d.fn(f, names)
		m.Funcs = append(m.Funcs, f)
	}
	if d.off != len(d.data) {
		d.fail("%d bytes after the module", len(d.data)-d.off)
	}
	return m
}

// sub reads the index of a type entry before entry i and adds its size to *nodes.
func (d *decoder) sub(i int, nodes *int) Type {
	j := d.index("a type", i)
	if *nodes += d.nodes[j]; *nodes > maxTypeNodes {
		d.fail("type %d is larger than %d nodes", i, maxTypeNodes)
	}
	return d.types[j]
}

func (d *decoder) typeEntry(i int) Type {
	nodes := 1
	defer func() { d.nodes[i] = nodes }()
	tag := int(d.byte1("a type's tag"))
	switch {
	case tag == tagVoid:
		return Void
	case tag <= tagBasicLast:
		return BasicType(BasicKind(tag))
	case tag == tagPointer || tag == tagSlice:
		space := Space(d.byte1("an address space"))
		if space > Args {
			d.off--
			d.fail("invalid address space %d", space)
		}
		elem := d.sub(i, &nodes)
		if tag == tagPointer {
			return &Pointer{Elem: elem, Space: space}
		}
		return &Slice{Elem: elem, Space: space}
	case tag == tagArray:
		n := d.uvarint("an array's length")
		if n > maxTypeSize {
			d.fail("array length %d is larger than %d", n, int64(maxTypeSize))
		}
		return &Array{Len: int64(n), Elem: d.sub(i, &nodes)}
	case tag == tagStruct:
		s := &Struct{}
		info := d.layouts.add(s, d.off-1)
		n := d.count("fields", 3)
		for range n {
			info.names = append(info.names, d.str("a field's name"))
			info.types = append(info.types, d.sub(i, &nodes))
			info.consts = append(info.consts, d.flag("a field's const flag"))
		}
		return s
	case tag == tagNamed:
		return d.named[d.index("a named type", len(d.named))]
	case tag == tagTuple:
		t := &Tuple{Types: make([]Type, d.count("tuple elements", 1))}
		for j := range t.Types {
			t.Types[j] = d.sub(i, &nodes)
		}
		return t
	}
	d.off--
	d.fail("invalid type tag %d", tag)
	return nil
}

func (d *decoder) flag(what string) bool {
	b := d.byte1(what)
	if b > 1 {
		d.off--
		d.fail("%s is %d, want 0 or 1", what, b)
	}
	return b == 1
}

func (d *decoder) fields(info *structInfo) {
	n := d.count("fields", 3)
	for range n {
		info.names = append(info.names, d.str("a field's name"))
		info.types = append(info.types, d.typ("a field's type"))
		info.consts = append(info.consts, d.flag("a field's const flag"))
	}
}

func (d *decoder) pos() Pos {
	file := d.str("a position's file")
	line := int64(d.line) + d.varint("a position's line")
	col := d.uvarint("a position's column")
	if line < 1 || line > math.MaxInt32 || col > math.MaxInt32 {
		d.fail("position %s:%d:%d out of range", file, line, col)
	}
	d.line = int32(line)
	return Pos{File: file, Line: int32(line), Col: int32(col)}
}

// operand is an operand to resolve once every value of the function is decoded.
type operand struct {
	args []*Value
	i    int
	n    int64 // the value's number
	at   int
}

func (d *decoder) refs(cur int, fixups *[]operand) []*Value {
	n := d.count("operands", 1)
	if n == 0 {
		return nil
	}
	args := make([]*Value, n)
	for i := range args {
		at := d.off
		*fixups = append(*fixups, operand{args, i, int64(cur) + d.varint("an operand"), at})
	}
	return args
}

func (d *decoder) blockList(blocks []*Block, what string) []*Block {
	n := d.count(what, 1)
	if n == 0 {
		return nil
	}
	bs := make([]*Block, n)
	for i := range bs {
		bs[i] = blocks[d.index("a block", len(blocks))]
	}
	return bs
}

func (d *decoder) fn(f *Func, names map[string]bool) {
	d.line = 0
	f.Name = d.str("a function's name")
	if names[f.Name] {
		d.off--
		d.fail("function @%s defined twice", quoteName(f.Name))
	}
	names[f.Name] = true
	flags := d.byte1("a function's flags")
	if flags > 7 {
		d.off--
		d.fail("invalid function flags %#x", flags)
	}
	f.Kernel = flags&1 != 0
	if flags&2 != 0 {
		f.Pos = d.pos()
	}
	f.Result = d.typ("the result type")
	params := make([]Type, d.count("params", 1))
	for i := range params {
		params[i] = d.typ("a param's type")
	}
	if flags&4 != 0 {
		f.Access = make([]Access, d.count("access entries", 1))
		if len(f.Access) == 0 {
			d.fail("empty access")
		}
		for i := range f.Access {
			f.Access[i] = Access(d.byte1("an access"))
		}
	}
	at := d.off
	nv := d.uvarint("the number of values")
	if left := len(d.data) - d.off; nv < uint64(len(params)) || nv-uint64(len(params)) > uint64(left/3) {
		d.off = at
		d.fail("%d values for %d params do not fit in the %d bytes left", nv, len(params), left)
	}
	values := make([]*Value, nv)
	// The entry block holds the params, as NewFunc makes it.
	entry := f.NewBlock()
	for i, t := range params {
		p := entry.NewValue(OpParam, t)
		p.AuxInt = int64(i)
		f.Params = append(f.Params, p)
		values[i] = p
	}
	at = d.off
	nblocks := d.count("blocks", 4)
	if nblocks == 0 {
		d.off = at
		d.fail("function @%s has no blocks", quoteName(f.Name))
	}
	for range nblocks - 1 {
		f.NewBlock()
	}
	var fixups []operand
	cur := len(params)
	preds := make([][]*Block, nblocks)
	for bi, b := range f.Blocks {
		for range d.count("instructions", 3) {
			head := d.byte1("an instruction")
			op := Op(head & 0x3f)
			if op == OpInvalid || op >= numOps || op == OpParam {
				d.off--
				d.fail("invalid op %d", op)
			}
			v := b.NewValue(op, d.typ("an instruction's type"))
			v.Args = d.refs(cur, &fixups)
			if head&0x80 != 0 {
				if op == OpConst && isFloat(v.Type) {
					at := d.off
					u := d.uvarint("a float constant's bits")
					if IsBasic(v.Type, Float32) && u > math.MaxUint32 {
						d.off = at
						d.fail("f32 constant with %#x, more than 32 bits", u)
					}
					v.AuxInt = int64(floatAux(v.Type, int64(u)))
				} else {
					v.AuxInt = d.varint("an AuxInt")
				}
				if v.AuxInt == 0 {
					d.fail("AuxInt 0 marked as present")
				}
			}
			if op == OpCall {
				v.Aux = d.funcs[d.index("a callee", len(d.funcs))]
			}
			if head&0x40 != 0 {
				v.Pos = d.pos()
			}
			if v.Type != Void {
				if cur >= len(values) {
					d.fail("more values than the %d announced", len(values))
				}
				values[cur] = v
				cur++
			}
		}
		head := d.byte1("a terminator")
		kind := BlockKind(head & 0x7f)
		if kind == BlockInvalid || kind > BlockPanic {
			d.off--
			d.fail("invalid terminator kind %d", kind)
		}
		at := d.off
		controls := d.refs(cur, &fixups)
		succs := d.blockList(f.Blocks, "successors")
		nc, ns := 0, 0
		switch kind {
		case BlockJump:
			ns = 1
		case BlockIf:
			nc, ns = 1, 2
		case BlockReturn:
			nc = len(controls)
		case BlockPanic:
			b.Msg = d.str("a panic's message")
		}
		if len(controls) != nc || len(succs) != ns {
			d.off = at
			d.fail("%s with %d controls and %d successors", kind, len(controls), len(succs))
		}
		b.Kind, b.Controls, b.Succs = kind, controls, succs
		if head&0x80 != 0 {
			b.Pos = d.pos()
		}
		preds[bi] = d.blockList(f.Blocks, "predecessors")
	}
	if cur != len(values) {
		d.fail("%d values, %d announced", cur, len(values))
	}
	for i, b := range f.Blocks {
		b.Preds = preds[i]
	}
	for _, o := range fixups {
		if o.n < 0 || o.n >= int64(len(values)) {
			d.off = o.at
			d.fail("operand refers to value %d of %d", o.n, len(values))
		}
		o.args[o.i] = values[o.n]
	}
}
