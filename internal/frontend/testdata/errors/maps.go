package errors

import "github.com/geobacter-go/geobacter/kernel"

// MakeMap makes a map, writes and reads it.
type MakeMap struct{ Out []int32 }

func (k *MakeMap) Kernel(it kernel.Item) {
	m := make(map[int]int32)     // ERROR "maps are not supported"
	m[it.GlobalID(0)] = 1        // ERROR "maps are not supported"
	k.Out[it.GlobalID(0)] = m[0] // ERROR "maps are not supported"
}

// MapLiteral builds a map from a literal and indexes it.
type MapLiteral struct{ Out []int32 }

func (k *MapLiteral) Kernel(it kernel.Item) {
	m := map[int]int32{1: 2, 3: 4}            // ERROR "maps are not supported"
	k.Out[it.GlobalID(0)] = m[it.GlobalID(0)] // ERROR "maps are not supported"
}

// MapRange ranges over a map: reported as a map, not as a string.
type MapRange struct{ Out []int32 }

func (k *MapRange) Kernel(it kernel.Item) {
	m := map[int]int32{}  // ERROR "maps are not supported"
	for _, v := range m { // ERROR "maps are not supported"
		k.Out[it.GlobalID(0)] += v
	}
}

// MapDelete deletes from a map (the delete from a map already reported need not be reported).
type MapDelete struct{ Out []int32 }

func (k *MapDelete) Kernel(it kernel.Item) {
	delete(map[int]int32{}, it.GlobalID(0)) // ERROR "maps are not supported" "maps are not supported|builtin delete is not supported"
}

// MapField has a map argument.
type MapField struct {
	M   map[int]int32
	Out []int32
}

func (k *MapField) Kernel(it kernel.Item) { // ERROR "parameter k: field M: maps are not supported"
	k.Out[it.GlobalID(0)] = k.M[it.GlobalID(0)] // ERROR "maps are not supported"
}
