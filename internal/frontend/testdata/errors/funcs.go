package errors

import (
	"iter"

	"github.com/geobacter-go/geobacter/kernel"
)

// Closure makes a closure that captures a variable, and calls it. The closure is reported where
// its function literal is.
type Closure struct{ Out []int32 }

func (k *Closure) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	f := func() int32 { // ERROR "closures that capture variables are not supported"
		return int32(i)
	}
	k.Out[i] = f() // ERROR "closures that capture variables are not supported"
}

func neg(x int32) int32    { return -x }
func double(x int32) int32 { return 2 * x }

// FuncValue calls one of two functions through a variable. Nothing is reported after the call.
type FuncValue struct{ Out []int32 }

func (k *FuncValue) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	f := neg // ERROR "calls through function values are not supported"
	if i > 3 {
		f = double
	}
	k.Out[i] = f(k.Out[i]) // ERROR "calls through function values are not supported"
	k.Out[i]++
}

func apply(f func(int32) int32, x int32) int32 { return f(x) } // ERROR "parameter f: calls through function values" "calls through function values"

// FuncParam passes a function to a helper that calls it.
type FuncParam struct{ Out []int32 }

func (k *FuncParam) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	k.Out[i] = apply(neg, k.Out[i]) // ERROR "calls through function values are not supported"
}

// count is an iterator function: range over it is range over a function. Its own violation
// is calling yield.
func count(yield func(int) bool) { // ERROR "parameter yield: calls through function values are not supported"
	for i := range 3 {
		if !yield(i) { // ERROR "calls through function values are not supported"
			return
		}
	}
}

// RangeFunc ranges over a function: reported as such, at the range statement only.
type RangeFunc struct{ Out []int }

func (k *RangeFunc) Kernel(it kernel.Item) {
	for i := range count { // ERROR "range over a function is not supported"
		k.Out[it.GlobalID(0)] += i
	}
}

// upTo returns an iterator, which is a closure.
func upTo(n int) iter.Seq[int] { // ERROR "result of upTo: calls through function values are not supported"
	return func(yield func(int) bool) { // ERROR "closures that capture variables are not supported" "closures that capture variables|calls through function values are not supported"
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// RangeSeq ranges over an iter.Seq: reported as such, at the range statement only.
type RangeSeq struct{ Out []int }

func (k *RangeSeq) Kernel(it kernel.Item) {
	for i := range upTo(3) { // ERROR "range over a function is not supported"
		k.Out[it.GlobalID(0)] += i
	}
}
