package errors

// The helpers here are in another file than the kernels that call them (calls.go): their
// violations are reported here, where they are.

func lookup(i int) int32 {
	m := map[int]int32{0: 1} // ERROR "maps are not supported"
	return m[i]              // ERROR "maps are not supported"
}

func spawn(out []int32, i int) {
	go work(out, i) // ERROR "goroutines are not supported"
}

// sum is generic: each of its instantiations is lowered, and a violation in it is reported once,
// at its place in the generic source.
func sum[T int32 | float32](xs []T) T {
	var acc T
	defer func() {}() // ERROR "defer is not supported"
	for _, x := range xs {
		acc += x
	}
	return acc
}

func convertTo[T ~int32 | ~float32](x any) T { // ERROR "parameter x: interface values are not supported"
	return x.(T) // ERROR "type assertions and type switches are not supported"
}
