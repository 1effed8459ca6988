// Package geobacter runs Go kernels on accelerators: the `go` device (the kernel's own Go code on
// every core), and, as they are built in, the `cpu` device (LLVM), Vulkan GPUs (SPIR-V), NVIDIA
// (PTX) and AMD (HSA) GPUs.
//
// A kernel is a struct whose pointer has the method Kernel(kernel.Item) (see package kernel): its
// fields are the arguments, and the method runs once per work-item of a grid.
//
//	dev, err := geobacter.Open(ctx, "")         // the best usable device; GEOBACTER_DEVICE overrides
//	x, err := geobacter.Alloc[float32](dev, n)   // memory the device and the host both use
//	err = geobacter.Launch(ctx, dev, geobacter.Grid1(n), &Saxpy{A: 2, X: x, Y: y})
//
// Launch returns when the kernel is done; LaunchAsync returns an Event to wait on or to order
// later launches after (After). A work-item's panic (index out of range, nil dereference, integer
// division by zero, panic(...)) stops the launch and comes back as a *KernelPanic naming the
// kernel, the line and the work-item; the device stays usable.
package geobacter
