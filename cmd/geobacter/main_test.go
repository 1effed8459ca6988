package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/geobacter-go/geobacter"
)

// runCmd runs the command line args and returns its exit status and output.
func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDevices(t *testing.T) {
	code, out, errOut := runCmd("devices")
	if code != 0 {
		t.Fatalf("geobacter devices: exit %d, stderr:\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if h := strings.Fields(lines[0]); len(h) < 4 || h[0] != "DEVICE" || h[1] != "TYPE" || h[2] != "USABLE" || h[3] != "NAME" {
		t.Errorf("header = %q, want DEVICE TYPE USABLE NAME ...", lines[0])
	}
	found := false
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == "go:0" {
			found = true
			if f[1] != "host" || f[2] != "yes" {
				t.Errorf("go device row = %q, want type host, usable yes", l)
			}
		}
	}
	if !found {
		t.Errorf("no go:0 row in:\n%s", out)
	}
}

func TestDevicesUnusable(t *testing.T) {
	var b bytes.Buffer
	err := writeDevices(&b, []geobacter.DeviceInfo{
		{Kind: "go", Name: "Go on 2 workers", Type: geobacter.TypeHost, Usable: true},
		{Kind: "cpu", Type: geobacter.TypeCPU, Reason: "llc-19 not found", Fix: "apt-get install llvm-19"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `DEVICE  TYPE  USABLE  NAME             REASON            FIX
go:0    host  yes     Go on 2 workers  -                 -
cpu:0   cpu   no      -                llc-19 not found  apt-get install llvm-19
`
	if got := b.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := runCmd("version")
	if code != 0 {
		t.Fatalf("geobacter version: exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{geobacter.Version(), runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH, "go"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"help", "-h", "--help"} {
		code, out, errOut := runCmd(arg)
		if code != 0 || errOut != "" {
			t.Errorf("geobacter %s: exit %d, stderr %q; want exit 0 and no stderr", arg, code, errOut)
		}
		if !strings.Contains(out, "Usage:") || !strings.Contains(out, "devices") {
			t.Errorf("geobacter %s: output is not the usage:\n%s", arg, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"devices", "extra"}, {"version", "-x"}} {
		code, out, errOut := runCmd(args...)
		if code != 2 {
			t.Errorf("geobacter %q: exit %d, want 2", args, code)
		}
		if out != "" {
			t.Errorf("geobacter %q: wrote to stdout: %q", args, out)
		}
		if !strings.Contains(errOut, "Usage:") {
			t.Errorf("geobacter %q: stderr lacks the usage:\n%s", args, errOut)
		}
	}
}

// TestUsageListsCommandsThatExist runs every command the usage text lists, without arguments:
// none may be unknown (commands that need arguments exit 2 with their own usage).
func TestUsageListsCommandsThatExist(t *testing.T) {
	_, list, ok := strings.Cut(usage, "The commands are:\n\n")
	if !ok {
		t.Fatal("usage has no list of commands")
	}
	list, _, _ = strings.Cut(list, "\n\n")
	n := 0
	for _, line := range strings.Split(list, "\n") {
		cmd := strings.Fields(line)[0]
		n++
		if code, _, errOut := runCmd(cmd); strings.Contains(errOut, "unknown command") || code == 2 && !strings.Contains(errOut, "usage: geobacter "+cmd) {
			t.Errorf("geobacter %s, listed in the usage: exit %d, stderr:\n%s", cmd, code, errOut)
		}
	}
	if n < 3 {
		t.Errorf("usage lists %d commands, want at least devices, version and help", n)
	}
}
