// Package vet10 is a kernel with ten different violations of the kernel contract, for the test of
// `geobacter vet`: each line marked "violation" must be reported once, with its position.
package vet10

import (
	"fmt"

	"github.com/geobacter-go/geobacter/kernel"
)

var table = [4]int{1, 2, 3, 4}

func init() { table[0] = 0 } // written: not a read-only table

type Bad struct {
	N   int
	Out []int
	In  []int
}

func (k *Bad) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	var m map[int]int
	go func() {}()                        // violation 1: goroutine
	k.Out[0] = len(m)                     // violation 2: map
	k.Out[1] = len(append(k.In[:0:0], 1)) // violation 3: append
	k.N = i                               // violation 4: write to the argument struct
	k.Out[i] = table[i%4]                 // violation 5: package-level variable written
	fmt.Println(i)                        // violation 6: I/O
	defer func() {}()                     // violation 7: defer
	k.Out[2] = it.GlobalID(3)             // violation 8: bad dimension
	if i < 0 {
		select {} // violation 9: select
	}
	if i > 100 {
		panic(k.In) // violation 10: panic with a value that is not a constant string
	}
}
