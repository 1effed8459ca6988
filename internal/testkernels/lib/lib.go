// Package lib holds the helpers that the kernels of package testkernels call across a package
// boundary: chains of several calls, value and pointer methods, functions with several results,
// generic functions, and a helper that panics. Everything here is plain Go that a device compiles
// because a kernel reaches it; nothing imports package kernel.
//
// Floating-point products that feed a sum are written float32(a*b) or float64(a*b): Go lets a
// compiler fuse x*y+z into one rounding unless a conversion rounds the product, and the corpus's
// references must be bit-exact on every Go port.
package lib

import "math/bits"

// Vec3 is a vector of three float32, passed and returned by value.
type Vec3 struct{ X, Y, Z float32 }

// Add returns v+w.
func (v Vec3) Add(w Vec3) Vec3 { return Vec3{X: v.X + w.X, Y: v.Y + w.Y, Z: v.Z + w.Z} }

// Scale returns v*s, each product rounded to float32.
func (v Vec3) Scale(s float32) Vec3 {
	return Vec3{X: float32(v.X * s), Y: float32(v.Y * s), Z: float32(v.Z * s)}
}

// Dot returns the dot product of v and w, summed in the order x, y, z.
func (v Vec3) Dot(w Vec3) float32 {
	return float32(v.X*w.X) + float32(v.Y*w.Y) + float32(v.Z*w.Z)
}

// Norm2 returns the squared length of v: a function that calls a method.
func Norm2(v Vec3) float32 { return v.Dot(v) }

// Number is every integer and float type.
type Number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int |
		~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint |
		~float32 | ~float64
}

// Clamp returns v limited to [lo, hi], with the semantics of the min and max builtins.
func Clamp[T Number](v, lo, hi T) T { return min(max(v, lo), hi) }

// Sum returns the sum of xs in order, wrapping for integers.
func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

// Poly evaluates c[0] + c[1]·x + c[2]·x² + c[3]·x³ by Horner's rule: three levels of calls.
func Poly(x float64, c [4]float64) float64 { return horner(x, c) }

func horner(x float64, c [4]float64) float64 {
	acc := 0.0
	for i := len(c) - 1; i >= 0; i-- {
		acc = mulAdd(acc, x, c[i])
	}
	return acc
}

func mulAdd(a, x, b float64) float64 { return float64(a*x) + b }

// Hash32 mixes the bits of x (murmur3's finaliser after one round): three levels of calls, the
// last into math/bits.
func Hash32(x uint32) uint32 { return finish(mix(x, 0x9e3779b9)) }

func mix(x, k uint32) uint32 {
	x ^= k
	x *= 0x85ebca6b
	return bits.RotateLeft32(x, 13)
}

func finish(x uint32) uint32 {
	x ^= x >> 16
	x *= 0xc2b2ae35
	x ^= x >> 13
	return x
}

// Acc accumulates int32 values; its zero value is empty.
type Acc struct {
	N   int32
	Sum int64
	Max int32
}

// Add adds v to a: a method with a pointer receiver, called on a kernel's local variable.
func (a *Acc) Add(v int32) {
	a.N++
	a.Sum += int64(v)
	if a.N == 1 || v > a.Max {
		a.Max = v
	}
}

// DivMod returns a/b and a%b: a function with two results.
func DivMod(a, b int32) (q, r int32) { return a / b, a % b }

// Gather returns s[idx[j]]; it panics with Go's index error when idx[j] is out of range for s,
// two calls below the kernel.
func Gather(s, idx []int32, j int) int32 { return element(s, int(idx[j])) }

func element(s []int32, i int) int32 {
	return s[i] // want panic
}
