package kernel

import "unsafe"

// Shared returns a pointer to a T in work-group shared memory. Every work-item of a group gets the
// same pointer from the same call, and the T is zeroed when the group starts. Use an array type for
// a shared array:
//
//	tile := kernel.Shared[[256]float32](it)
//	tile[it.LocalID(0)] = k.In[it.GlobalID(0)]
//	it.Barrier()
//
// Shared calls are matched between the work-items of a group by their order: the n-th call of one
// work-item returns the same memory as the n-th call of every other. So every work-item of a group
// must make the same Shared calls, with the same types, in the same order; make them
// unconditionally at the top of the kernel. Writes by one work-item become visible to the others
// of its group at the next Barrier. The total size of a group's shared memory is limited by the
// device (geobacter.Limits.SharedMemoryBytes); exceeding it panics.
func Shared[T any](it Item) *T {
	g := it.w.G
	idx, ptr, first := g.SharedSlot(it.w.Linear())
	if p, ok := ptr.(*T); ok {
		if first {
			g.Claim(idx, nil, nil, int(unsafe.Sizeof(*p)), true)
		}
		return p
	}
	if !first {
		panic("kernel.Shared: work-items of one group made different Shared calls (call " + itoa(idx) +
			" has another type here than in the group's first work-item); make the same Shared calls in the same order in every work-item")
	}
	p := new(T)
	g.Claim(idx, p, func() { *p = *new(T) }, int(unsafe.Sizeof(*p)), false)
	return p
}
