// Package fatal holds kernels that once made the frontend fail with a fatal error that no
// recover catches (a stack overflow): TestNoFatalError compiles them in a child process. The
// frontend may accept or reject each of them; it must return.
package fatal

import "github.com/geobacter-go/geobacter/kernel"

// node is a list node: a struct type that refers to itself through a pointer.
type node struct {
	Next *node
	V    int32
}

// RecursivePointer has a buffer of a struct type that refers to itself through a pointer.
type RecursivePointer struct{ Nodes []node }

func (k *RecursivePointer) Kernel(it kernel.Item) {
	k.Nodes[it.GlobalID(0)].V = 1
}

// tree refers to itself through a slice.
type tree struct {
	Kids []tree
	V    int32
}

// RecursiveSlice has a buffer of a struct type that refers to itself through a slice.
type RecursiveSlice struct{ Trees []tree }

func (k *RecursiveSlice) Kernel(it kernel.Item) {
	k.Trees[it.GlobalID(0)].V = 1
}
