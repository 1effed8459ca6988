// Package bench is Geobacter for Go's benchmark suite and its references. It is what
// `geobacter bench` runs; it is not an API for users, and it may change at any time.
//
// The suite has seven benchmarks, each a kernel of this package and the same computation written
// as the references it is measured against:
//
//	saxpy       y = a·x + y on float32 vectors: memory bandwidth
//	reduce      the sum of a float32 vector: shared memory, barriers and a float atomic
//	sgemm       C = A×B on square float32 matrices, in 16×16 tiles in shared memory
//	stencil     Jacobi sweeps of the 5-point stencil on a float32 grid
//	nbody       one step of an all-pairs gravitational n-body simulation, a square root per pair
//	mandelbrot  escape times of the Mandelbrot set: divergent work-items
//	histogram   256 bins of bytes with atomic adds, in shared memory then global
//
// Every benchmark runs on each geobacter device asked for (through the public API: Open, Alloc'd
// buffers, a warm-up launch that compiles the kernel, then timed launches) and on the references:
// serial Go (the natural loop), goroutine-parallel Go (GOMAXPROCS goroutines over chunks), C with
// OpenMP compiled by clang -O3 -march=native -fopenmp, OpenCL C on PoCL, and GLSL compute shaders
// compiled by glslangValidator and dispatched through the Vulkan runtime package vk on the first
// usable Vulkan device (lavapipe on a machine without a GPU): the same kernels as geobacter's
// SPIR-V, compiled by glslang, which a vulkan device is compared with. The C, OpenCL and GLSL
// sources are embedded (directory ref) and built once per Run into a temporary directory, before
// anything is timed; a reference whose tools or device are missing is skipped with the reason.
// The result of every implementation's warm-up run is verified against serial Go (element by
// element for Go code and the GLSL shaders, whose buffers are host-visible Vulkan memory, through
// checksums for the C and OpenCL programs), and the metric is computed from the median of the
// timed runs.
package bench

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen
