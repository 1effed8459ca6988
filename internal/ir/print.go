package ir

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Print returns the text form of m: its named types, then its functions. Values with a result are
// numbered in order, params first, and blocks by their order in the function, so the text of equal modules is
// equal and Parse(Print(m)) prints the same text.
func Print(m *Module) string {
	var b strings.Builder
	for _, t := range m.Types {
		fmt.Fprintf(&b, "type %s = %s\n", t, structBody(t))
	}
	for i, f := range m.Funcs {
		if i > 0 || len(m.Types) > 0 {
			b.WriteString("\n")
		}
		printFunc(&b, f)
	}
	return b.String()
}

// PrintFunc returns the text form of one function.
func PrintFunc(f *Func) string {
	var b strings.Builder
	printFunc(&b, f)
	return b.String()
}

func structBody(t *Struct) string {
	var b strings.Builder
	b.WriteString("{")
	for i, f := range t.Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteName(f.Name))
		b.WriteString(" ")
		b.WriteString(f.Type.String())
		if f.Const {
			b.WriteString(" const")
		}
	}
	b.WriteString("}")
	return b.String()
}

// quoteName returns s as it is when it is made of name characters, and quoted otherwise.
func quoteName(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if !isNameRune(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '_' || r == '.' || r == '/' || r == '$' || r == '-'
}

type printer struct {
	b      *strings.Builder
	num    map[*Value]int
	blocks map[*Block]int
}

func printFunc(b *strings.Builder, f *Func) {
	p := &printer{b: b, num: map[*Value]int{}, blocks: map[*Block]int{}}
	n := 0
	for _, v := range f.Params {
		p.num[v] = n
		n++
	}
	for i, blk := range f.Blocks {
		p.blocks[blk] = i
		for _, v := range blk.Instrs {
			if v.Op != OpParam && v.Type != Void {
				p.num[v] = n
				n++
			}
		}
	}
	kw := "func"
	if f.Kernel {
		kw = "kernel"
	}
	fmt.Fprintf(b, "%s @%s(", kw, quoteName(f.Name))
	for i, v := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%%%d %s", p.num[v], v.Type)
	}
	b.WriteString(")")
	if f.Result != nil && f.Result != Void {
		b.WriteString(" ")
		b.WriteString(f.Result.String())
	}
	if len(f.Access) > 0 {
		b.WriteString(" access(")
		for i, a := range f.Access {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.String())
		}
		b.WriteString(")")
	}
	p.pos(f.Pos)
	b.WriteString(" {\n")
	for _, blk := range f.Blocks {
		fmt.Fprintf(b, "b%d:\n", p.blocks[blk])
		for _, v := range blk.Instrs {
			if v.Op == OpParam {
				continue
			}
			b.WriteString("  ")
			p.value(v)
			b.WriteString("\n")
		}
		b.WriteString("  ")
		p.terminator(blk)
		b.WriteString("\n")
	}
	b.WriteString("}\n")
}

func (p *printer) ref(v *Value) string {
	if n, ok := p.num[v]; ok {
		return "%" + strconv.Itoa(n)
	}
	return fmt.Sprintf("%%?v%d", v.ID) // a value of another function: the verifier reports it
}

func (p *printer) block(b *Block) string {
	if n, ok := p.blocks[b]; ok {
		return "b" + strconv.Itoa(n)
	}
	return fmt.Sprintf("b?%d", b.ID)
}

func (p *printer) pos(pos Pos) {
	if pos.IsKnown() {
		p.b.WriteString(" @")
		p.b.WriteString(quoteName(pos.File))
		fmt.Fprintf(p.b, ":%d:%d", pos.Line, pos.Col)
	}
}

func (p *printer) args(vs []*Value) {
	for i, a := range vs {
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.b.WriteString(p.ref(a))
	}
}

func (p *printer) value(v *Value) {
	b := p.b
	void := v.Type == Void
	if !void {
		fmt.Fprintf(b, "%s = ", p.ref(v))
	}
	b.WriteString(v.Op.String())
	switch v.Op {
	case OpConst:
		b.WriteString(" ")
		b.WriteString(ConstString(v.Type, v.AuxInt))
	case OpShared:
		fmt.Fprintf(b, " %d", v.AuxInt)
	case OpFieldAddr, OpField, OpExtract:
		b.WriteString(" ")
		p.args(v.Args)
		fmt.Fprintf(b, ", %d", v.AuxInt)
	case OpCheckBounds:
		b.WriteString(" ")
		b.WriteString(v.BoundsKind().String())
		if v.AuxInt&BoundsSigned != 0 {
			b.WriteString(" signed")
		}
		b.WriteString(" ")
		p.args(v.Args)
	case OpCall:
		name := "?"
		if f := v.Callee(); f != nil {
			name = quoteName(f.Name)
		}
		fmt.Fprintf(b, " @%s(", name)
		p.args(v.Args)
		b.WriteString(")")
	case OpIntrinsic:
		fmt.Fprintf(b, " %s(", v.Intrinsic())
		p.args(v.Args)
		b.WriteString(")")
	case OpAtomic:
		fmt.Fprintf(b, " %s ", v.AtomicOp())
		p.args(v.Args)
	case OpPhi:
		for i, a := range v.Args {
			if i > 0 {
				b.WriteString(",")
			}
			pred := "b?"
			if i < len(v.Block.Preds) {
				pred = p.block(v.Block.Preds[i])
			}
			fmt.Fprintf(b, " [%s, %s]", p.ref(a), pred)
		}
	default:
		if len(v.Args) > 0 {
			b.WriteString(" ")
			p.args(v.Args)
		}
	}
	if !void {
		b.WriteString(" : ")
		b.WriteString(v.Type.String())
	}
	p.pos(v.Pos)
}

func (p *printer) terminator(blk *Block) {
	b := p.b
	switch blk.Kind {
	case BlockJump:
		fmt.Fprintf(b, "jump %s", p.block(blk.Succs[0]))
	case BlockIf:
		fmt.Fprintf(b, "if %s, %s, %s", p.ref(blk.Controls[0]), p.block(blk.Succs[0]), p.block(blk.Succs[1]))
	case BlockReturn:
		b.WriteString("return")
		if len(blk.Controls) > 0 {
			b.WriteString(" ")
			p.args(blk.Controls)
		}
	case BlockPanic:
		fmt.Fprintf(b, "panic %s", strconv.Quote(blk.Msg))
	default:
		b.WriteString("<no terminator>")
	}
	p.pos(blk.Pos)
}

// ConstString formats the bits of a constant of type t as the text form writes them: integers in
// decimal, bools as true or false, floats as the shortest decimal that reads back exactly, with
// -0, +inf, -inf, and nan(0xBITS) for NaNs (keeping the payload).
func ConstString(t Type, bits int64) string {
	bt, ok := t.(*Basic)
	if !ok {
		return strconv.FormatInt(bits, 10)
	}
	switch {
	case bt.Kind == Bool:
		return strconv.FormatBool(bits != 0)
	case bt.IsSigned():
		return strconv.FormatInt(bits, 10)
	case bt.IsInteger():
		return strconv.FormatUint(uint64(bits), 10)
	case bt.Kind == Float32:
		f := math.Float32frombits(uint32(bits))
		if f != f {
			return fmt.Sprintf("nan(0x%08x)", uint32(bits))
		}
		return floatString(float64(f), 32)
	default:
		f := math.Float64frombits(uint64(bits))
		if f != f {
			return fmt.Sprintf("nan(0x%016x)", uint64(bits))
		}
		return floatString(f, 64)
	}
}

func floatString(f float64, size int) string {
	switch {
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, size)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0" // mark a float literal even when it is integral: 1.0, -0.0
	}
	return s
}
