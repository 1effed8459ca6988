package spirv

//go:generate go run ./internal/spvgen -o tables.go

// opDesc describes an opcode: its name and its operands in order.
type opDesc struct {
	name     string
	operands []operandDesc
}

// operandDesc is one operand of an opcode: its kind and quantifier (0 for exactly one, '?' for
// optional, '*' for any number).
type operandDesc struct {
	kind  operandKind
	quant rune
}

// operandCategory is the category of an operand kind in the grammar.
type operandCategory uint8

const (
	catBitEnum operandCategory = iota + 1
	catValueEnum
	catId
	catLiteral
	catComposite
)

// kindDesc describes an operand kind.
type kindDesc struct {
	name  string
	cat   operandCategory
	bases []operandKind // a composite's parts
	enums []enumDesc    // an enumeration's values
}

// enumDesc is one value of an enumeration, with the kinds of its extra operands.
type enumDesc struct {
	value  uint32
	name   string
	params []operandKind
}
