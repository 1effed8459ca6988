package toolchain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// optVersion and lldVersion return the --version outputs of a Debian LLVM of major version n.
func optVersion(n int) string {
	return fmt.Sprintf("Debian LLVM version %d.1.0\n  Optimized build.\n  Default target: x86_64-pc-linux-gnu\n  Host CPU: znver5\n", n)
}

// lldVersion returns the --version output of a Debian ld.lld of major version n.
func lldVersion(n int) string {
	return fmt.Sprintf("Debian LLD %d.1.0 (compatible with GNU linkers)\n", n)
}

// fakeTool writes an executable shell script dir/name that prints versionOut for --version and
// fails otherwise, and returns its path.
func fakeTool(t *testing.T, dir, name, versionOut string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Only shell builtins: the tests' PATH may hold nothing but fake tools.
	script := "#!/bin/sh\nif [ \"$1\" = --version ]; then\nprintf '%s' '" + strings.ReplaceAll(versionOut, "'", `'\''`) +
		"'\nexit 0\nfi\necho \"" + name + ": Unknown command line argument '$1'.\" >&2\nexit 1\n"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeLLVM writes fake opt, llc and ld.lld of major version n into dir, each name followed by
// suffix ("" or "-19").
func fakeLLVM(t *testing.T, dir string, n int, suffix string) {
	t.Helper()
	fakeTool(t, dir, "opt"+suffix, optVersion(n))
	fakeTool(t, dir, "llc"+suffix, optVersion(n))
	fakeTool(t, dir, "ld.lld"+suffix, lldVersion(n))
}

// testFinder returns a finder whose environment is env and whose llvm-N directories are in
// libRoot.
func testFinder(env map[string]string, libRoot string) *finder {
	return &finder{getenv: func(k string) string { return env[k] }, libRoot: libRoot}
}

// TestLocateOrder checks Find's search order on fake tools: GEOBACTER_LLVM, plain names on
// PATH, version-suffixed names newest first, then /usr/lib/llvm-N/bin, one version throughout.
func TestLocateOrder(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake tools")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, bin, bin2, lib, custom string)
		env   map[string]string // GEOBACTER_LLVM's value "custom" means the custom directory
		want  []string          // paths of opt, llc and ld.lld relative to the test's root
		major int
	}{{
		name: "plain names first",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeLLVM(t, bin, 18, "")
			fakeLLVM(t, bin, 19, "-19")
			fakeLLVM(t, filepath.Join(lib, "llvm-20", "bin"), 20, "")
		},
		want:  []string{"bin/opt", "bin/llc", "bin/ld.lld"},
		major: 18,
	}, {
		name: "plain names too old, newest suffix next",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeLLVM(t, bin, 14, "")
			fakeLLVM(t, bin, 17, "-17")
			fakeLLVM(t, bin, 19, "-19")
			fakeLLVM(t, bin2, 18, "-18")
			fakeLLVM(t, bin, 9, "-9") // too old: never probed
		},
		want:  []string{"bin/opt-19", "bin/llc-19", "bin/ld.lld-19"},
		major: 19,
	}, {
		name: "suffixes beyond 19 are found",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeLLVM(t, bin, 19, "-19")
			fakeLLVM(t, bin2, 23, "-23")
		},
		want:  []string{"bin2/opt-23", "bin2/llc-23", "bin2/ld.lld-23"},
		major: 23,
	}, {
		name: "first PATH directory wins for one name",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeLLVM(t, bin, 19, "")
			fakeLLVM(t, bin2, 20, "")
		},
		want:  []string{"bin/opt", "bin/llc", "bin/ld.lld"},
		major: 19,
	}, {
		name: "mixed majors rejected",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeTool(t, bin, "opt", optVersion(19))
			fakeTool(t, bin, "llc", optVersion(18))
			fakeTool(t, bin, "ld.lld", lldVersion(19))
			fakeLLVM(t, bin, 18, "-18")
		},
		want:  []string{"bin/opt-18", "bin/llc-18", "bin/ld.lld-18"},
		major: 18,
	}, {
		name: "missing plain ld.lld taken with opt's suffix",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeTool(t, bin, "opt", optVersion(19))
			fakeTool(t, bin, "llc", optVersion(19))
			fakeTool(t, bin, "ld.lld-18", lldVersion(18))
			fakeTool(t, bin2, "ld.lld-19", lldVersion(19))
		},
		want:  []string{"bin/opt", "bin/llc", "bin2/ld.lld-19"},
		major: 19,
	}, {
		name: "missing plain ld.lld taken from Debian's directory",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeTool(t, bin, "opt", optVersion(19))
			fakeTool(t, bin, "llc", optVersion(19))
			fakeTool(t, filepath.Join(lib, "llvm-19", "bin"), "ld.lld", lldVersion(19))
		},
		want:  []string{"bin/opt", "bin/llc", "lib/llvm-19/bin/ld.lld"},
		major: 19,
	}, {
		name: "Debian's directories last, newest first",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeLLVM(t, bin, 14, "")
			fakeLLVM(t, filepath.Join(lib, "llvm-14", "bin"), 14, "")
			fakeLLVM(t, filepath.Join(lib, "llvm-17", "bin"), 17, "")
			fakeLLVM(t, filepath.Join(lib, "llvm-18", "bin"), 18, "")
		},
		want:  []string{"lib/llvm-18/bin/opt", "lib/llvm-18/bin/llc", "lib/llvm-18/bin/ld.lld"},
		major: 18,
	}, {
		name: "GEOBACTER_LLVM overrides PATH",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeLLVM(t, bin, 19, "")
			fakeLLVM(t, custom, 17, "")
		},
		env:   map[string]string{EnvLLVM: "custom"},
		want:  []string{"custom/opt", "custom/llc", "custom/ld.lld"},
		major: 17,
	}, {
		name: "GEOBACTER_LLVM with suffixed names",
		setup: func(t *testing.T, bin, bin2, lib, custom string) {
			fakeLLVM(t, bin, 19, "")
			fakeLLVM(t, custom, 18, "-18")
			fakeLLVM(t, custom, 20, "-20")
		},
		env:   map[string]string{EnvLLVM: "custom"},
		want:  []string{"custom/opt-20", "custom/llc-20", "custom/ld.lld-20"},
		major: 20,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			bin, bin2, lib, custom := filepath.Join(root, "bin"), filepath.Join(root, "bin2"), filepath.Join(root, "lib"), filepath.Join(root, "custom")
			tt.setup(t, bin, bin2, lib, custom)
			env := map[string]string{"PATH": bin + string(filepath.ListSeparator) + "relative" + string(filepath.ListSeparator) + bin2}
			if tt.env[EnvLLVM] != "" {
				env[EnvLLVM] = custom
			}
			loc, err := testFinder(env, lib).locate(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tool := range loc.tools {
				rel, err := filepath.Rel(root, tool.Path)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, filepath.ToSlash(rel))
				if tool.Version.Major != tt.major {
					t.Errorf("%s: version %v, want major %d", tool.Name, tool.Version, tt.major)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("found %q, want %q", got, tt.want)
			}
			if got := versionField(loc.optVersion, "Default target"); got != "x86_64-pc-linux-gnu" {
				t.Errorf("opt's Default target = %q", got)
			}
		})
	}
}

// TestLocateNotFound checks that when nothing usable is found the error wraps ErrNotFound, says
// what was rejected and why, and says what to install.
func TestLocateNotFound(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake tools")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, bin, lib string)
		env   bool     // set GEOBACTER_LLVM to bin
		want  []string // in the message, beyond what every ErrNotFound says
	}{{
		name:  "nothing at all",
		setup: func(t *testing.T, bin, lib string) {},
		want:  []string{"on PATH"},
	}, {
		name: "too old",
		setup: func(t *testing.T, bin, lib string) {
			fakeLLVM(t, bin, 16, "")
			fakeLLVM(t, bin, 15, "-15")
			fakeLLVM(t, filepath.Join(lib, "llvm-14", "bin"), 14, "")
		},
		want: []string{"opt is LLVM 16.1.0, older than 17", "llvm-14/bin is LLVM 14, older than 17"},
	}, {
		name: "no ld.lld",
		setup: func(t *testing.T, bin, lib string) {
			fakeTool(t, bin, "opt-19", optVersion(19))
			fakeTool(t, bin, "llc-19", optVersion(19))
		},
		want: []string{"opt-19 (LLVM 19.1.0) has no ld.lld of its version next to it"},
	}, {
		name: "mixed versions",
		setup: func(t *testing.T, bin, lib string) {
			fakeTool(t, bin, "opt", optVersion(19))
			fakeTool(t, bin, "llc", optVersion(19))
			fakeTool(t, bin, "ld.lld", lldVersion(18))
		},
		want: []string{"is 18.1.0: the tools must be of one major version"},
	}, {
		name: "not LLVM",
		setup: func(t *testing.T, bin, lib string) {
			fakeTool(t, bin, "opt", "opt 1.0 (not LLVM's)\n")
		},
		want: []string{"no LLVM or LLD version in the output"},
	}, {
		name: "GEOBACTER_LLVM empty, PATH ignored",
		setup: func(t *testing.T, bin, lib string) {
			fakeLLVM(t, lib, 19, "")
		},
		env:  true,
		want: []string{"looked in GEOBACTER_LLVM="},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			bin, lib := filepath.Join(root, "bin"), filepath.Join(root, "lib")
			if err := os.MkdirAll(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, bin, lib)
			env := map[string]string{"PATH": bin + string(filepath.ListSeparator) + lib}
			if tt.env {
				env[EnvLLVM] = bin
			}
			_, err := testFinder(env, lib).locate(context.Background())
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("locate: %v, want ErrNotFound", err)
			}
			msg := err.Error()
			for _, want := range append(tt.want, "install LLVM 17 or newer: on Debian/Ubuntu `apt-get install llvm-19 lld-19`", "GEOBACTER_LLVM") {
				if !strings.Contains(msg, want) {
					t.Errorf("error lacks %q:\n%s", want, msg)
				}
			}
		})
	}
}

// TestFindFakes runs Find, probes included, on fake tools that fail everything but --version:
// the toolchain is found, without Polly and without a host target, each with its reason.
func TestFindFakes(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake tools")
	}
	bin := t.TempDir()
	fakeLLVM(t, bin, 42, "")
	t.Setenv("PATH", bin)
	t.Setenv(EnvLLVM, "")
	tc, err := Find(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tc.Major() != 42 {
		t.Errorf("Major() = %d, want 42", tc.Major())
	}
	if flags, why := tc.Polly(); flags != nil || !strings.Contains(why, "Unknown command line argument") {
		t.Errorf("Polly() = %q, %q; want no flags, with opt's complaint", flags, why)
	}
	if _, err := tc.Host(); err == nil || !strings.Contains(err.Error(), "Unknown command line argument") {
		t.Errorf("Host() error = %v, want opt's complaint", err)
	}
	want := "opt " + filepath.Join(bin, "opt") + " (Debian LLVM version 42.1.0), llc " + filepath.Join(bin, "llc") +
		" (Debian LLVM version 42.1.0), ld.lld " + filepath.Join(bin, "ld.lld") + " (Debian LLD 42.1.0 (compatible with GNU linkers)); polly: none"
	if tc.String() != want {
		t.Errorf("String() =\n%s\nwant\n%s", tc.String(), want)
	}
	vs := tc.Versions()
	if len(vs) != 3 || vs[0].Name != "opt" || vs[1].Name != "llc" || vs[2].Name != "ld.lld" {
		t.Errorf("Versions() = %+v", vs)
	}
}

// TestFindCanceled checks that Find stops with its context's error.
func TestFindCanceled(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for the fake tools")
	}
	bin := t.TempDir()
	fakeLLVM(t, bin, 19, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := testFinder(map[string]string{"PATH": bin}, t.TempDir()).find(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("find with a canceled context: %v, want context.Canceled", err)
	}
}
