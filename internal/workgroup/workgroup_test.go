package workgroup

import "testing"

// TestLinear checks that Local, Item and WorkItem.Linear agree for every work-item of full and
// partial groups.
func TestLinear(t *testing.T) {
	for _, tc := range []struct{ global, local [3]int }{
		{[3]int{10, 1, 1}, [3]int{4, 1, 1}},
		{[3]int{13, 7, 5}, [3]int{4, 4, 2}},
		{[3]int{3, 3, 3}, [3]int{4, 4, 4}},
		{[3]int{1, 100, 1}, [3]int{1, 32, 1}},
	} {
		l := &Launch{Global: tc.global, Local: tc.local}
		l.Set()
		var g Group
		g.BeginLaunch(l)
		for z := range l.Groups[2] {
			for y := range l.Groups[1] {
				for x := range l.Groups[0] {
					g.Begin(x, y, z)
					for i := range g.N {
						id := g.Item(i)
						for d := range 3 {
							if id[d] < g.Base[d] || id[d] >= g.Base[d]+g.Size[d] || id[d] >= tc.global[d] {
								t.Fatalf("%v/%v group (%d,%d,%d): item %d = %v outside the group", tc.global, tc.local, x, y, z, i, id)
							}
						}
						w := WorkItem{Global: id, G: &g}
						if w.Linear() != i {
							t.Fatalf("%v/%v: Linear(%v) = %d, want %d", tc.global, tc.local, id, w.Linear(), i)
						}
					}
				}
			}
		}
	}
}
