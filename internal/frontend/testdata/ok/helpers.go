package ok

import "github.com/geobacter-go/geobacter/kernel"

// Number is every integer and float type.
type Number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~float32 | ~float64
}

// clamp limits v to [lo, hi].
func clamp[T Number](v, lo, hi T) T { return min(max(v, lo), hi) }

// sumOf adds the elements of a slice.
func sumOf[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

// vec2 is a generic pair with methods.
type vec2[T Number] struct{ X, Y T }

func (v vec2[T]) add(w vec2[T]) vec2[T] { return vec2[T]{v.X + w.X, v.Y + w.Y} }

func (v *vec2[T]) scale(s T) { v.X *= s; v.Y *= s }

// pair is a small struct passed and returned by value.
type pair struct{ A, B int32 }

func (p pair) sum() int32 { return p.A + p.B }

func (p *pair) swap() { p.A, p.B = p.B, p.A }

// divmod returns two results.
func divmod(a, b int32) (q, r int32) { return a / b, a % b }

// addTo adds v to *p: a pointer to a local of the caller.
func addTo(p *int32, v int32) { *p += v }

// fill sets every element of the array *a points to.
func fill(a *[4]int32, v int32) {
	for i := range a {
		a[i] = v + int32(i)
	}
}

// rowOf returns the index of a work-item's row: the kernel.Item is passed to a helper.
func rowOf(it kernel.Item) int { return it.GlobalID(1) }

// accumulate has a pointer receiver and is called on a local through a pointer.
type accumulate struct {
	n   int32
	sum int64
}

func (a *accumulate) add(v int32) {
	a.n++
	a.sum += int64(v)
}
