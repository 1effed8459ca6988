// Package ok is a corpus of kernels that keep the kernel contract (DESIGN.md §3) while using
// features that are easy to get wrong: closures without captures, method values and
// expressions, generic helpers and types, labelled loops and goto, switches, arrays of structs
// by value, multiple results, shifts by signed counts, integer division by variables, pointers
// to locals passed to helpers, sync/atomic values in buffers of structs, math and math/bits,
// kernel.Shared, min and max, copy between buffers and slicing with 2 and 3 indices. The
// frontend must compile every one of them without a diagnostic. It is loaded by the frontend's
// tests, never built into a program: it is under testdata, which ./... skips.
package ok
