package device

import "testing"

func TestBest(t *testing.T) {
	goDev := Info{Kind: "go", Type: TypeHost, Usable: true}
	cpu := Info{Kind: "cpu", Type: TypeCPU, Usable: true}
	lavapipe := Info{Kind: "vulkan", Index: 0, Type: TypeSoftware, Usable: true}
	gpu0 := Info{Kind: "vulkan", Index: 1, Type: TypeDiscreteGPU, Usable: true}
	gpu1 := Info{Kind: "cuda", Index: 0, Type: TypeDiscreteGPU, Usable: true}
	igpu := Info{Kind: "vulkan", Index: 2, Type: TypeIntegratedGPU, Usable: true}
	broken := Info{Kind: "amdgpu", Type: TypeDiscreteGPU, Usable: false, Reason: "no driver"}
	for _, tc := range []struct {
		name  string
		infos []Info
		want  Info
		ok    bool
	}{
		{"only go", []Info{goDev}, goDev, true},
		{"cpu over go", []Info{goDev, cpu}, cpu, true},
		{"software never", []Info{lavapipe, goDev}, goDev, true},
		{"only software", []Info{lavapipe}, Info{}, false},
		{"discrete over integrated", []Info{goDev, igpu, gpu0}, gpu0, true},
		{"first discrete in order", []Info{gpu0, gpu1}, gpu0, true},
		{"unusable skipped", []Info{broken, cpu}, cpu, true},
		{"none", nil, Info{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Best(tc.infos)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("Best = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestTypeString(t *testing.T) {
	if TypeDiscreteGPU.String() != "discrete-gpu" || Type(42).String() != "Type(42)" {
		t.Fatal(TypeDiscreteGPU.String(), Type(42).String())
	}
}
