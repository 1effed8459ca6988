package devicetest

// skip lists the cases a device kind cannot run yet: device kind → case name → the reason. Run
// skips those cases with the reason, so a known gap shows in every run as a skip that says why,
// rather than as a failure everyone learns to ignore or a case quietly left out.
//
// Every entry has a comment saying what fails (with the mismatch or error seen) and what would
// fix it, and is removed once the device passes the case; TestSkipListNamesCases fails on an entry
// that names no case. For example:
//
//	"vulkan": {
//		// lavapipe flushes float32 subnormals to zero in arithmetic; fixed by requesting
//		// the DenormPreserve execution mode where the driver supports it.
//		"float/arith32": "float32 subnormals are flushed to zero",
//	},
//
// The go and interp devices run every case.
var skip = map[string]map[string]string{}
