// Package nogen declares a kernel and has no generated file, for the test of `geobacter gen -check`.
package nogen

import "github.com/geobacter-go/geobacter/kernel"

// Double doubles X.
type Double struct{ X []float32 }

func (k *Double) Kernel(it kernel.Item) { k.X[it.GlobalID(0)] *= 2 }
