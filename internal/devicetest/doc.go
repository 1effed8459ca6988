// Package devicetest is the conformance suite every device runs: one entry point, Run, that
// launches every case of the kernel corpus (package testkernels) on the device and compares the
// outputs with the corpus's plain-Go references, and, for a device other than go, with the go
// device's outputs too.
//
// A device's package has one test:
//
//	func TestConformance(t *testing.T) { devicetest.Run(t, "vulkan") }
//
// Integers and bools must match bit for bit; floats bit for bit too (NaNs match any NaN), except
// on devices other than go for cases with a ULP tolerance (testkernels.Case.ULP). Panic cases must
// return the expected *geobacter.KernelPanic, after which the device must still run a healthy case.
//
// A device that is not usable on the machine is skipped with the reason (Open), unless the
// environment variable GEOBACTER_REQUIRE names its kind: then the test fails. The cases a device
// kind cannot run yet are listed, each with its reason, in skip.go.
package devicetest
