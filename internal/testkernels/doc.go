// Package testkernels is the kernel corpus that every stage of Geobacter is tested with: the
// frontend, the IR and its interpreter, the backends and every device run the same kernels and
// compare with the same references. It owns the kernels, their inputs, their plain-Go references and
// the expected panics; package devicetest owns running them on a device and comparing.
//
// # The corpus as data
//
// Cases lists every case. A Case names a kernel type (Case.Kernel is a nil pointer of it, so a
// stage can find the type with reflect, or its declaration by name in this package's sources), a
// Run function that allocates the inputs, launches and returns the named outputs, and either a Want
// function, the reference written as serial Go loops without package kernel, or a PanicWant, the
// *geobacter.KernelPanic the launch must return. Run goes through a Target, so an executor that is
// not a geobacter device (such as the IR interpreter) runs the corpus through WithLaunch.
//
// Cases are named "group/name". The groups: int (Go's integer semantics at the edges: wrapping,
// shifts by at least the width, division of negatives, conversions, math/bits), float (NaN, -0 and
// infinities through arithmetic, comparisons, min and max, conversions), grid (1D to 3D grids
// that are not a multiple of the group size, ids and sizes), shared (barriers and work-group shared
// memory), atomic (sync/atomic and package kernel's float atomics), generic (generic kernel types
// and helpers), struct (structs and arrays in buffers, methods, pointers to buffer elements), call
// (calls across packages, into lib), lang (control flow, slicing and copy), math (package math,
// with a ULP tolerance where devices may differ) and panic (one kernel per kind of panic).
//
// # Rules the corpus keeps
//
//   - Inputs are deterministic: fixed tables of edge values and math/rand/v2 with fixed seeds. The
//     whole corpus runs in well under a second on the go device.
//   - Groups have at most 128 work-items and at most 64 in dimension 2, and a group's shared memory
//     is at most 16 KiB: the minimums every Vulkan device guarantees.
//   - Float results are order-independent: atomic float sums add small integers or powers of two,
//     whose sums are exact, and reductions are compared with a reference that adds in the kernel's
//     tree order.
//   - A floating-point product that feeds a sum is written float32(a*b) or float64(a*b). Go lets a
//     compiler fuse x*y+z into one rounding unless a conversion rounds the product; the rounded
//     form makes the references bit-exact on every Go port and binds every device to one result.
//   - Converting a float that is out of the range of an integer type is implementation-defined in
//     Go; the corpus converts only values in range.
//   - Case.ULP is the float error other devices are allowed; the go device runs the kernel's own Go
//     code and must match the references bit for bit.
//   - A panic case panics in exactly one work-item. The panicking line is marked with a trailing
//     `// want panic` comment, and the expected position is found from the marker in this
//     package's sources (embedded), never written down.
package testkernels

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen
