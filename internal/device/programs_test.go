package device

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestPrograms(t *testing.T) {
	var c Programs[string, int]
	var compiles atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			p, err := c.Get("a", func() (int, error) { compiles.Add(1); return 42, nil })
			if p != 42 || err != nil {
				t.Errorf("Get = %d, %v", p, err)
			}
		})
	}
	wg.Wait()
	if n := compiles.Load(); n != 1 {
		t.Errorf("%d compiles for one key under concurrent Gets, want 1", n)
	}
	bad := errors.New("no")
	if _, err := c.Get("b", func() (int, error) { return 0, bad }); err != bad {
		t.Errorf("failed compile: %v", err)
	}
	if p, err := c.Get("b", func() (int, error) { return 7, nil }); p != 7 || err != nil {
		t.Errorf("a failed compile was kept: %d, %v", p, err)
	}
	c.Get("c", func() (int, error) { return 0, bad })
	seen := map[string]int{}
	c.Range(func(k string, p int) bool { seen[k] = p; return true })
	if len(seen) != 2 || seen["a"] != 42 || seen["b"] != 7 {
		t.Errorf("Range saw %v", seen)
	}
	c.Delete("a")
	if p, _ := c.Get("a", func() (int, error) { return 1, nil }); p != 1 {
		t.Errorf("Delete did not forget the program: %d", p)
	}
}
