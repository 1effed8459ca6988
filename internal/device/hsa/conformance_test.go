package hsa_test

import (
	"testing"

	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestConformance runs the kernel corpus on the first amdgpu device and compares every result
// with the references and the go device; it skips when there is none (fails when
// GEOBACTER_REQUIRE names amdgpu).
func TestConformance(t *testing.T) { devicetest.Run(t, "amdgpu") }
