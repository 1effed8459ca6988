package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/geobacter-go/geobacter/internal/cache"
)

func TestCacheCmd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	t.Setenv(cache.DirEnv, dir)
	t.Setenv(cache.MaxEnv, "")

	code, out, errOut := runCmd("cache", "dir")
	if code != 0 || out != dir+"\n" {
		t.Errorf("cache dir: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, dir)
	}

	c, err := cache.Open()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, s := range []string{"a", "b"} {
		k := cache.NewKey("test")
		k.Add("s", s)
		keys[k.Sum()[:16]] = true
		if err := c.Put(k.Sum(), []byte("payload "+s)); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut = runCmd("cache", "ls")
	if code != 0 {
		t.Fatalf("cache ls: exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || strings.Join(strings.Fields(lines[0]), " ") != "KEY SIZE AGE" {
		t.Fatalf("cache ls:\n%s\nwant a header, 2 entries and a total", out)
	}
	for _, l := range lines[1:3] {
		f := strings.Fields(l)
		if len(f) != 3 || !keys[f[0]] || f[1] != "57" || f[2] != "0s" {
			t.Errorf("cache ls row %q, want a key prefix, size 57, age 0s", l)
		}
	}
	if want := "2 entries, 114 bytes in " + dir; lines[3] != want {
		t.Errorf("cache ls total %q, want %q", lines[3], want)
	}

	code, out, errOut = runCmd("cache", "clean")
	if code != 0 || out != "removed 2 entries from "+dir+"\n" {
		t.Errorf("cache clean: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if es, _ := c.Entries(); len(es) != 0 {
		t.Errorf("after clean the cache holds %v", es)
	}

	if code, _, errOut := runCmd("cache", "frob"); code != 2 || !strings.Contains(errOut, "usage: geobacter cache") {
		t.Errorf("cache frob: exit %d, stderr %q; want 2 and the usage", code, errOut)
	}
	t.Setenv(cache.DirEnv, "off")
	if code, _, errOut := runCmd("cache", "ls"); code != 1 || !strings.Contains(errOut, "disabled") {
		t.Errorf("cache ls with the cache off: exit %d, stderr %q; want 1 and the reason", code, errOut)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Error(err)
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                           "0s",
		-time.Second:                "0s",
		90 * time.Second:            "1m30s",
		2 * time.Hour:               "2h",
		26*time.Hour + time.Minute:  "1d2h",
		3*time.Hour + 4*time.Minute: "3h4m",
		time.Hour + 30*time.Second:  "1h0m30s",
		10 * time.Minute:            "10m",
	} {
		if got := age(d); got != want {
			t.Errorf("age(%v) = %q, want %q", d, got, want)
		}
	}
}
