package cuda_test

import (
	"testing"

	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestConformance runs the kernel corpus on the first cuda device and compares every result with
// the references and the go device; it skips when there is none (fails when GEOBACTER_REQUIRE
// names cuda).
func TestConformance(t *testing.T) { devicetest.Run(t, "cuda") }
