package ir

// A Site is one place in a function where a work-item can panic: a check (checkbounds, checknil,
// checkdivide, checkshift) or a panic block. A backend numbers the sites of what it compiles and
// makes a failing work-item record the site's number and the check's operands; the device turns
// such a record back into Go's panic message with Site.Message.

// SiteKind is what fails at a Site.
type SiteKind uint8

const (
	SiteBounds SiteKind = iota + 1 // checkbounds: x and y are its operands
	SiteNil                        // checknil
	SiteDivide                     // checkdivide
	SiteShift                      // checkshift: x is the count
	SitePanic                      // a panic block: Msg
)

// Site is one place where a work-item can panic.
type Site struct {
	Kind   SiteKind
	Pos    Pos
	Bounds BoundsKind // SiteBounds
	Signed bool       // SiteBounds: x came from a signed integer
	Msg    string     // SitePanic
}

// Message is the panic message of a failure at s with operands x and y, as Go and Run give
// it ("runtime error: index out of range [5] with length 3").
func (s Site) Message(x, y int64) string {
	switch s.Kind {
	case SiteBounds:
		return "runtime error: " + s.Bounds.Message(x, y, s.Signed)
	case SiteNil:
		return "runtime error: " + NilMessage
	case SiteDivide:
		return "runtime error: " + DivideMessage
	case SiteShift:
		return "runtime error: " + ShiftMessage
	}
	return s.Msg
}
