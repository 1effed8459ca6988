package vulkan

// ForceCopies makes devices opened from now on stage Go memory in device-local memory with
// copies, as on a discrete GPU, until the returned function restores the default.
func ForceCopies() func() {
	forceCopies = true
	return func() { forceCopies = false }
}
