package spirv

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Disassemble returns the text of a SPIR-V module, one instruction a line in the manner of
// spirv-dis (without its friendly names: every id is %<number>), from the grammar tables alone.
// A malformed module is disassembled up to the problem, which ends the text as a comment.
func Disassemble(words []uint32) string {
	var b strings.Builder
	if len(words) < 5 {
		return "; not a SPIR-V module: fewer than 5 words\n"
	}
	if words[0] != magic {
		fmt.Fprintf(&b, "; not a SPIR-V module: magic number %#08x\n", words[0])
		return b.String()
	}
	fmt.Fprintf(&b, "; SPIR-V %d.%d\n; Generator: %#08x\n; Bound: %d\n; Schema: %d\n",
		words[1]>>16&0xff, words[1]>>8&0xff, words[2], words[3], words[4])
	d := &disasm{widths: map[uint32]numType{}, ext: map[uint32]string{}}
	for i := 5; i < len(words); {
		n := int(words[i] >> 16)
		op := Op(words[i] & 0xffff)
		if n == 0 || i+n > len(words) {
			fmt.Fprintf(&b, "; error: instruction at word %d has word count %d (%d words left)\n", i, n, len(words)-i)
			break
		}
		line, err := d.inst(op, words[i+1:i+n])
		if err != nil {
			fmt.Fprintf(&b, "; error: instruction at word %d: %v\n", i, err)
			break
		}
		b.WriteString(line)
		b.WriteByte('\n')
		i += n
	}
	return b.String()
}

// numType is what a numeric type's literals look like.
type numType struct {
	bits  int
	float bool
}

type disasm struct {
	widths map[uint32]numType // OpTypeInt and OpTypeFloat ids
	ext    map[uint32]string  // OpExtInstImport ids
}

func (d *disasm) inst(op Op, w []uint32) (string, error) {
	desc, ok := opTable[op]
	if !ok {
		return fmt.Sprintf("Op%d %v", op, w), nil
	}
	var result string
	var parts []string
	i := 0
	var resultType uint32
	next := func() (uint32, error) {
		if i >= len(w) {
			return 0, fmt.Errorf("%s: missing operand", desc.name)
		}
		i++
		return w[i-1], nil
	}
	var operand func(k operandKind) error
	operand = func(k operandKind) error {
		kd := kindTable[k]
		switch k {
		case kindIdResult:
			x, err := next()
			if err != nil {
				return err
			}
			result = "%" + strconv.Itoa(int(x))
			return nil
		case kindIdResultType:
			x, err := next()
			if err != nil {
				return err
			}
			resultType = x
			parts = append(parts, "%"+strconv.Itoa(int(x)))
			return nil
		case kindLiteralString:
			s, n, err := decodeString(w[i:])
			if err != nil {
				return err
			}
			i += n
			parts = append(parts, strconv.Quote(s))
			return nil
		case kindLiteralContextDependentNumber:
			nt := d.widths[resultType]
			if nt.bits == 64 && i+2 <= len(w) {
				v := uint64(w[i]) | uint64(w[i+1])<<32
				i += 2
				if nt.float {
					parts = append(parts, strconv.FormatFloat(math.Float64frombits(v), 'g', -1, 64))
				} else {
					parts = append(parts, strconv.FormatUint(v, 10))
				}
				return nil
			}
			x, err := next()
			if err != nil {
				return err
			}
			if nt.float && nt.bits == 32 {
				parts = append(parts, strconv.FormatFloat(float64(math.Float32frombits(x)), 'g', -1, 32))
			} else {
				parts = append(parts, strconv.FormatUint(uint64(x), 10))
			}
			return nil
		case kindLiteralExtInstInteger:
			x, err := next()
			if err != nil {
				return err
			}
			if op == OpExtInst && len(w) > 2 && d.ext[w[2]] == "GLSL.std.450" {
				if n, ok := glslNames[GLSLInst(x)]; ok {
					parts = append(parts, n)
					return nil
				}
			}
			parts = append(parts, strconv.FormatUint(uint64(x), 10))
			return nil
		}
		switch kd.cat {
		case catId:
			x, err := next()
			if err != nil {
				return err
			}
			parts = append(parts, "%"+strconv.Itoa(int(x)))
		case catLiteral:
			x, err := next()
			if err != nil {
				return err
			}
			parts = append(parts, strconv.FormatUint(uint64(x), 10))
		case catComposite:
			for _, b := range kd.bases {
				if err := operand(b); err != nil {
					return err
				}
			}
		case catValueEnum:
			x, err := next()
			if err != nil {
				return err
			}
			e, ok := findEnum(kd, x)
			if !ok {
				parts = append(parts, strconv.FormatUint(uint64(x), 10))
				return nil
			}
			parts = append(parts, e.name)
			for _, p := range e.params {
				if err := operand(p); err != nil {
					return err
				}
			}
		case catBitEnum:
			x, err := next()
			if err != nil {
				return err
			}
			var names []string
			var params []operandKind
			rest := x
			for _, e := range kd.enums {
				if e.value != 0 && x&e.value == e.value && rest&e.value != 0 {
					names = append(names, e.name)
					params = append(params, e.params...)
					rest &^= e.value
				}
			}
			if rest != 0 {
				names = append(names, fmt.Sprintf("%#x", rest))
			}
			if len(names) == 0 {
				names = []string{"None"}
			}
			parts = append(parts, strings.Join(names, "|"))
			for _, p := range params {
				if err := operand(p); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("%s: operand kind %s", desc.name, kd.name)
		}
		return nil
	}
	for _, o := range desc.operands {
		switch o.quant {
		case '?':
			if i < len(w) {
				if err := operand(o.kind); err != nil {
					return "", err
				}
			}
		case '*':
			for i < len(w) {
				if err := operand(o.kind); err != nil {
					return "", err
				}
			}
		default:
			if err := operand(o.kind); err != nil {
				return "", err
			}
		}
	}
	if i < len(w) {
		return "", fmt.Errorf("%s: %d words left over", desc.name, len(w)-i)
	}
	// Remember the types and imports later instructions need.
	switch op {
	case OpTypeInt, OpTypeFloat:
		if len(w) >= 2 {
			d.widths[w[0]] = numType{bits: int(w[1]), float: op == OpTypeFloat}
		}
	case OpExtInstImport:
		if s, _, err := decodeString(w[1:]); err == nil {
			d.ext[w[0]] = s
		}
	}
	text := desc.name
	if len(parts) > 0 {
		text += " " + strings.Join(parts, " ")
	}
	if result != "" {
		return fmt.Sprintf("%12s = %s", result, text), nil
	}
	return strings.Repeat(" ", 15) + text, nil
}

func findEnum(kd kindDesc, v uint32) (enumDesc, bool) {
	for _, e := range kd.enums {
		if e.value == v {
			return e, true
		}
	}
	return enumDesc{}, false
}

// decodeString decodes a literal string and returns it with the words it takes.
func decodeString(w []uint32) (string, int, error) {
	var b []byte
	for i, x := range w {
		for k := range 4 {
			c := byte(x >> (8 * k))
			if c == 0 {
				return string(b), i + 1, nil
			}
			b = append(b, c)
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}
