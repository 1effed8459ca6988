package vulkan_test

import (
	"testing"

	"github.com/geobacter-go/geobacter/internal/devicetest"
)

// TestConformance runs the kernel corpus on the first Vulkan device against the go device.
func TestConformance(t *testing.T) { devicetest.Run(t, "vulkan") }
