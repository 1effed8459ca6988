package cache

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(child())
	}
	os.Exit(m.Run())
}

func key(s string) string {
	k := NewKey("test")
	k.Add("s", s)
	return k.Sum()
}

func TestPutGet(t *testing.T) {
	c, err := New(filepath.Join(t.TempDir(), "c"), 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(c.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", fi.Mode().Perm())
	}
	if _, ok := c.Get(key("a")); ok {
		t.Error("Get on an empty cache hit")
	}
	for _, data := range [][]byte{[]byte("hello"), {}, bytes.Repeat([]byte{7}, 1<<20)} {
		if err := c.Put(key("a"), data); err != nil {
			t.Fatal(err)
		}
		got, ok := c.Get(key("a"))
		if !ok || !bytes.Equal(got, data) {
			t.Errorf("Get = %d bytes, %v; want the %d bytes Put", len(got), ok, len(data))
		}
	}
	if err := c.Put("../x", nil); err == nil {
		t.Error("Put with a key that is not a key succeeded")
	}
	if _, ok := c.Get("../x"); ok {
		t.Error("Get with a key that is not a key hit")
	}
	var nc *Cache
	if _, ok := nc.Get(key("a")); ok || nc.Put(key("a"), nil) != nil {
		t.Error("a nil Cache is not a disabled cache")
	}
}

func TestKey(t *testing.T) {
	k1 := NewKey("cpu")
	k1.Add("a", "bc")
	k2 := NewKey("cpu")
	k2.Add("ab", "c")
	k3 := NewKey("cpu")
	k3.AddBytes("a", []byte("bc"))
	if k1.Sum() == k2.Sum() {
		t.Error("parts are not delimited")
	}
	if k1.Sum() != k3.Sum() {
		t.Error("Add and AddBytes differ on the same value")
	}
	if !isKey(k1.Sum()) {
		t.Errorf("Sum = %q, not a key", k1.Sum())
	}
	if NewKey("cpu").Sum() == NewKey("gpu").Sum() {
		t.Error("the kind is not in the key")
	}
}

func TestCompilerID(t *testing.T) {
	rel := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v1.0.0"},
			Deps: []*debug.Module{{Path: modulePath, Version: "v0.3.1"}}}, true
	}
	if id := computeCompilerID(rel); !strings.HasSuffix(id, modulePath+"@v0.3.1") {
		t.Errorf("release dependency: id %q, want the module version", id)
	}
	devel := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}, true
	}
	id := computeCompilerID(devel)
	if !strings.Contains(id, " exe:") || len(id) < 64 {
		t.Errorf("devel build: id %q, want the executable's hash", id)
	}
	if CompilerID() != CompilerID() {
		t.Error("CompilerID is not stable")
	}
}

func TestCorrupt(t *testing.T) {
	c, err := New(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	k := key("x")
	data := []byte("some compiled code")
	for name, damage := range map[string]func([]byte) []byte{
		"truncated":   func(b []byte) []byte { return b[:len(b)-3] },
		"flipped":     func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"header only": func(b []byte) []byte { return b[:10] },
		"longer":      func(b []byte) []byte { return append(b, 'x') },
		"bad magic":   func(b []byte) []byte { b[0] = 'X'; return b },
	} {
		if err := c.Put(k, data); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(c.Dir(), k)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, damage(b), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, ok := c.Get(k); ok {
			t.Errorf("%s: Get hit with %q", name, got)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: the corrupt entry was not deleted: %v", name, err)
		}
	}
}

func TestEvict(t *testing.T) {
	const size = 1000
	c, err := New(t.TempDir(), 3*(size+int64(headerSize)))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for i := range 3 {
		if err := c.Put(key(strconv.Itoa(i)), make([]byte, size)); err != nil {
			t.Fatal(err)
		}
		// Distinct times, 0 the oldest.
		tm := old.Add(time.Duration(i) * time.Minute)
		os.Chtimes(filepath.Join(c.Dir(), key(strconv.Itoa(i))), tm, tm)
	}
	if _, ok := c.Get(key("0")); !ok { // 0 becomes the most recently used
		t.Fatal("entry 0 missing before the cap is reached")
	}
	if err := c.Put(key("3"), make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false, true, true} {
		if _, ok := c.Get(key(strconv.Itoa(i))); ok != want {
			t.Errorf("entry %d present = %v, want %v (1 is the least recently used)", i, ok, want)
		}
	}
}

func TestOpenEnv(t *testing.T) {
	t.Setenv(DirEnv, "off")
	if _, err := Open(); !errors.Is(err, ErrOff) {
		t.Errorf("Open with %s=off: %v, want ErrOff", DirEnv, err)
	}
	d := filepath.Join(t.TempDir(), "x", "y")
	t.Setenv(DirEnv, d)
	t.Setenv(MaxEnv, "12345")
	c, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir() != d || c.max != 12345 {
		t.Errorf("Open = %q cap %d, want %q cap 12345", c.Dir(), c.max, d)
	}
	t.Setenv(MaxEnv, "lots")
	if _, err := Open(); err == nil {
		t.Errorf("Open with %s=lots succeeded", MaxEnv)
	}
}

func TestEntriesClean(t *testing.T) {
	c, err := New(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		c.Put(key(strconv.Itoa(i)), []byte("abc"))
	}
	os.WriteFile(filepath.Join(c.Dir(), tmpPrefix+"left"), nil, 0o600)
	os.WriteFile(filepath.Join(c.Dir(), "README"), nil, 0o600)
	es, err := c.Entries()
	if err != nil || len(es) != 3 {
		t.Fatalf("Entries = %v, %v; want 3", es, err)
	}
	if es[0].Size != int64(headerSize+3) {
		t.Errorf("entry size %d, want %d", es[0].Size, headerSize+3)
	}
	n, err := c.Clean()
	if err != nil || n != 3 {
		t.Errorf("Clean = %d, %v; want 3", n, err)
	}
	des, _ := os.ReadDir(c.Dir())
	if len(des) != 1 || des[0].Name() != "README" {
		t.Errorf("after Clean the directory holds %v, want README only", des)
	}
}

// childEnv makes the test binary a child of TestProcesses; its value is the child's number.
const childEnv = "GEOBACTER_CACHE_TEST_CHILD"

// payload is what writer w stores under key number i: its own header and filler derived from
// both, of a size that varies with i.
func payload(i, w int) []byte {
	head := fmt.Sprintf("%d/%d/", i, w)
	b := []byte(head)
	r := rand.New(rand.NewPCG(uint64(i), uint64(w)))
	for range 200 + 997*(i%13) {
		b = append(b, byte(r.Uint32()))
	}
	return b
}

// check reports whether b is exactly what some writer stored under key number i.
func check(i int, b []byte) bool {
	var ki, w int
	if _, err := fmt.Sscanf(string(b[:min(len(b), 32)]), "%d/%d/", &ki, &w); err != nil || ki != i {
		return false
	}
	return bytes.Equal(b, payload(i, w))
}

// child runs in a process started by TestProcesses: it puts and gets keys shared with the other
// children (each storing its own bytes under them), and keys of its own, with a cap small enough
// that entries are evicted all along. It returns 1 when a Get returns bytes no one Put.
func child() int {
	w, _ := strconv.Atoi(os.Getenv(childEnv))
	c, err := Open()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r := rand.New(rand.NewPCG(uint64(w), 1))
	hits, misses := 0, 0
	for n := range 600 {
		i := r.IntN(20) // shared keys 0..19
		if n%3 == 0 {
			i = 1000 + 100*w + r.IntN(10) // keys of this child alone
		}
		k := key(strconv.Itoa(i))
		if r.IntN(2) == 0 {
			if err := c.Put(k, payload(i, w)); err != nil {
				fmt.Fprintln(os.Stderr, "put:", err)
				return 1
			}
			continue
		}
		b, ok := c.Get(k)
		if !ok {
			misses++
			continue
		}
		hits++
		if !check(i, b) {
			fmt.Fprintf(os.Stderr, "child %d: key %d: Get returned %d bytes no one Put\n", w, i, len(b))
			return 1
		}
	}
	fmt.Printf("child %d: %d hits, %d misses\n", w, hits, misses)
	return 0
}

// TestProcesses runs several processes sharing one cache directory, putting and getting the
// same and different keys concurrently with eviction, and checks that every Get returned exactly
// bytes that were Put, or missed.
func TestProcesses(t *testing.T) {
	dir := t.TempDir()
	const procs = 6
	var wg sync.WaitGroup
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	for w := range procs {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+strconv.Itoa(w), DirEnv+"="+dir, MaxEnv+"=60000")
			outs[w], errs[w] = cmd.CombinedOutput()
		})
	}
	wg.Wait()
	for w := range procs {
		if errs[w] != nil {
			t.Errorf("child %d: %v:\n%s", w, errs[w], outs[w])
		} else {
			t.Logf("%s", bytes.TrimSpace(outs[w]))
		}
	}
	c, _ := New(dir, 0)
	es, _ := c.Entries()
	var total int64
	for _, e := range es {
		total += e.Size
		b, ok := c.Get(e.Key)
		if !ok {
			t.Errorf("entry %s left corrupt", e.Key)
		}
		_ = b
	}
	if total > 60000+20000 {
		t.Errorf("the cache holds %d bytes after the children, over the cap of 60000 by more than an entry", total)
	}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tmpPrefix) {
			t.Errorf("temporary file %s left behind", de.Name())
		}
	}
}
