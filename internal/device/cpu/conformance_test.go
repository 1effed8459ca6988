package cpu_test

import (
	"testing"

	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestConformance runs the kernel corpus on the cpu device and compares every result with the
// references and the go device.
func TestConformance(t *testing.T) { devicetest.Run(t, "cpu") }
