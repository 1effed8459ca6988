package errors

import "github.com/geobacter-go/geobacter/kernel"

type adder interface{ add(int32) int32 }

type plus struct{ n int32 }

func (p plus) add(v int32) int32 { return p.n + v }

func sink(x any) {} // ERROR "parameter x: interface values are not supported"

// ToInterface converts a value to an interface to pass it to a helper.
type ToInterface struct{ Out []int32 }

func (k *ToInterface) Kernel(it kernel.Item) {
	sink(k.Out[it.GlobalID(0)]) // ERROR "interface values are not supported"
}

// InvokeInterface calls a method of an interface value.
type InvokeInterface struct{ Out []int32 }

func (k *InvokeInterface) Kernel(it kernel.Item) {
	var a adder = plus{n: 2}         // ERROR "interface values are not supported"
	k.Out[it.GlobalID(0)] = a.add(1) // ERROR "interface method calls are not supported"
}

// Assert makes a type assertion.
type Assert struct{ Out []int32 }

func (k *Assert) Kernel(it kernel.Item) {
	var x any = k.Out[it.GlobalID(0)] // ERROR "interface values are not supported"
	k.Out[it.GlobalID(0)] = x.(int32) // ERROR "type assertions and type switches are not supported"
}

// TypeSwitch switches on the type of an interface value: each case is a type assertion.
type TypeSwitch struct{ Out []int32 }

func (k *TypeSwitch) Kernel(it kernel.Item) {
	var x any = k.Out[it.GlobalID(0)] // ERROR "interface values are not supported"
	switch v := x.(type) {
	case int32: // ERROR "type assertions and type switches are not supported"
		k.Out[it.GlobalID(0)] = v
	}
}

// InterfaceField has an interface argument.
type InterfaceField struct {
	A   adder
	Out []int32
}

func (k *InterfaceField) Kernel(it kernel.Item) { // ERROR "parameter k: field A: interface values are not supported"
	k.Out[it.GlobalID(0)] = 1
}
