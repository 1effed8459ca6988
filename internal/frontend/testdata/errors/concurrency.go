package errors

import "github.com/geobacter-go/geobacter/kernel"

func work(out []int32, i int) { out[i] = 1 }

// Goroutine starts a goroutine.
type Goroutine struct{ Out []int32 }

func (k *Goroutine) Kernel(it kernel.Item) {
	go work(k.Out, it.GlobalID(0)) // ERROR "goroutines are not supported"
}

// ChanOps makes a channel, sends on it and receives from it.
type ChanOps struct{ Out []int32 }

func (k *ChanOps) Kernel(it kernel.Item) {
	ch := make(chan int32, 1)    // ERROR "channels are not supported"
	ch <- 1                      // ERROR "channels are not supported"
	k.Out[it.GlobalID(0)] = <-ch // ERROR "channels are not supported"
}

// CloseChan closes a channel (the close of a channel already reported need not be reported).
type CloseChan struct{ Out []int32 }

func (k *CloseChan) Kernel(it kernel.Item) {
	close(make(chan int32, 1)) // ERROR "channels are not supported" "channels are not supported|builtin close is not supported"
}

// RangeChan ranges over a channel.
type RangeChan struct{ Out []int32 }

func (k *RangeChan) Kernel(it kernel.Item) {
	ch := make(chan int32, 1) // ERROR "channels are not supported"
	for v := range ch {       // ERROR "channels are not supported"
		k.Out[it.GlobalID(0)] += v
	}
}

// Select selects on a channel.
type Select struct{ Out []int32 }

func (k *Select) Kernel(it kernel.Item) {
	ch := make(chan int32, 1) // ERROR "channels are not supported"
	select {                  // ERROR "select is not supported"
	case v := <-ch:
		k.Out[it.GlobalID(0)] = v
	default:
	}
}

// Defer defers a call. It is reported once, at the defer statement: not at the function
// (there is no recover) and not again at the return where the deferred calls run.
type Defer struct{ Out []int32 }

func (k *Defer) Kernel(it kernel.Item) {
	defer work(k.Out, it.GlobalID(0)) // ERROR "defer is not supported"
	k.Out[it.GlobalID(0)] = 2
}

// Recover calls recover.
type Recover struct{ Out []int32 }

func (k *Recover) Kernel(it kernel.Item) {
	if recover() != nil { // ERROR "recover is not supported" "recover is not supported|interface values are not supported"
		k.Out[it.GlobalID(0)] = 2
	}
}
