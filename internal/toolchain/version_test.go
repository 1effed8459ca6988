package toolchain

import "testing"

// Outputs of --version from several LLVM versions and packagers. The Debian 19 and 14 ones were
// taken on a Debian machine (LLVM 14 did not know the Zen 5 host CPU); the others are the forms
// upstream release builds, development builds, Ubuntu, Fedora, Homebrew and ROCm print.
const (
	debian19Opt = `Debian LLVM version 19.1.7
  Optimized build.
  Default target: x86_64-pc-linux-gnu
  Host CPU: znver5
`
	debian19LLC = `Debian LLVM version 19.1.7
  Optimized build.
  Default target: x86_64-pc-linux-gnu
  Host CPU: znver5

  Registered Targets:
    aarch64     - AArch64 (little endian)
    amdgcn      - AMD GCN GPUs
    nvptx64     - NVIDIA PTX 64-bit
    x86-64      - 64-bit X86: EM_X86_64
`
	debian19LLD = "Debian LLD 19.1.7 (compatible with GNU linkers)\n"
	debian14Opt = `Debian LLVM version 14.0.6
  Optimized build.
  Default target: x86_64-pc-linux-gnu
  Host CPU: (unknown)
`
	upstream17Opt = `LLVM (http://llvm.org/):
  LLVM version 17.0.6
  Optimized build.
  Default target: x86_64-unknown-linux-gnu
  Host CPU: skylake-avx512
`
	upstream17LLD = "LLD 17.0.6 (compatible with GNU linkers)\n"
	ubuntu18Opt   = `Ubuntu LLVM version 18.1.3
  Optimized build.
  Default target: x86_64-pc-linux-gnu
  Host CPU: alderlake
`
	ubuntu18LLD = "Ubuntu LLD 18.1.3 (compatible with GNU linkers)\n"
	fedora18Opt = `LLVM (http://llvm.org/):
  LLVM version 18.1.8
  Optimized build.
  Default target: x86_64-redhat-linux-gnu
  Host CPU: znver3
`
	homebrew18Opt = `Homebrew LLVM version 18.1.8
  Optimized build.
  Default target: arm64-apple-darwin23.6.0
  Host CPU: apple-m1
`
	homebrew18LLD = "Homebrew LLD 18.1.8 (compatible with GNU linkers)\n"
	dev21Opt      = `LLVM (http://llvm.org/):
  LLVM version 21.0.0git
  DEBUG build with assertions.
  Default target: x86_64-unknown-linux-gnu
  Host CPU: znver4
`
	dev21LLD = "LLD 21.0.0 (https://github.com/llvm/llvm-project.git 6f6d5a4cd2e8bd5ba0c2b2a8b6d9f3a4e0c1b2d3) (compatible with GNU linkers)\n"
	rocm17   = `AMD LLVM version 17.0.0git
  Optimized build.
  Default target: x86_64-unknown-linux-gnu
  Host CPU: znver3

  Registered Targets:
    amdgcn - AMD GCN GPUs
    x86-64 - 64-bit X86: EM_X86_64
`
	rc20 = `LLVM (http://llvm.org/):
  LLVM version 20.1.0-rc2
  Optimized build.
`
)

// TestParseVersion reads the versions of real --version outputs.
func TestParseVersion(t *testing.T) {
	tests := []struct {
		name, out string
		want      Version
	}{
		{"debian 19 opt", debian19Opt, Version{19, 1, 7, "", "Debian", "Debian LLVM version 19.1.7"}},
		{"debian 19 llc", debian19LLC, Version{19, 1, 7, "", "Debian", "Debian LLVM version 19.1.7"}},
		{"debian 19 ld.lld", debian19LLD, Version{19, 1, 7, "", "Debian", "Debian LLD 19.1.7 (compatible with GNU linkers)"}},
		{"debian 14 opt", debian14Opt, Version{14, 0, 6, "", "Debian", "Debian LLVM version 14.0.6"}},
		{"upstream 17 opt", upstream17Opt, Version{17, 0, 6, "", "", "LLVM version 17.0.6"}},
		{"upstream 17 ld.lld", upstream17LLD, Version{17, 0, 6, "", "", "LLD 17.0.6 (compatible with GNU linkers)"}},
		{"ubuntu 18 opt", ubuntu18Opt, Version{18, 1, 3, "", "Ubuntu", "Ubuntu LLVM version 18.1.3"}},
		{"ubuntu 18 ld.lld", ubuntu18LLD, Version{18, 1, 3, "", "Ubuntu", "Ubuntu LLD 18.1.3 (compatible with GNU linkers)"}},
		{"fedora 18 opt", fedora18Opt, Version{18, 1, 8, "", "", "LLVM version 18.1.8"}},
		{"homebrew 18 opt", homebrew18Opt, Version{18, 1, 8, "", "Homebrew", "Homebrew LLVM version 18.1.8"}},
		{"homebrew 18 ld.lld", homebrew18LLD, Version{18, 1, 8, "", "Homebrew", "Homebrew LLD 18.1.8 (compatible with GNU linkers)"}},
		{"development 21 opt", dev21Opt, Version{21, 0, 0, "git", "", "LLVM version 21.0.0git"}},
		{"development 21 ld.lld", dev21LLD, Version{21, 0, 0, "", "", dev21LLD[:len(dev21LLD)-1]}},
		{"rocm 17", rocm17, Version{17, 0, 0, "git", "AMD", "AMD LLVM version 17.0.0git"}},
		{"release candidate", rc20, Version{20, 1, 0, "-rc2", "", "LLVM version 20.1.0-rc2"}},
		{"no patch number", "LLVM version 18.1\n", Version{18, 1, 0, "", "", "LLVM version 18.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVersion(tt.out)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseVersion = %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestParseVersionString checks Version.String.
func TestParseVersionString(t *testing.T) {
	for out, want := range map[string]string{debian19Opt: "19.1.7", dev21Opt: "21.0.0git", rc20: "20.1.0-rc2"} {
		v, err := ParseVersion(out)
		if err != nil {
			t.Fatal(err)
		}
		if v.String() != want {
			t.Errorf("String() = %q, want %q", v.String(), want)
		}
	}
}

// TestParseVersionErrors checks that outputs without an LLVM version are refused.
func TestParseVersionErrors(t *testing.T) {
	for _, out := range []string{
		"",
		"GNU ld (GNU Binutils for Debian) 2.40\n",
		"LLVM (http://llvm.org/):\n  Optimized build.\n",
		"opt: Unknown command line argument '--version'.\n",
		"clang version 19.1.7 (3)\n", // clang's own form is not a tool's
	} {
		if v, err := ParseVersion(out); err == nil {
			t.Errorf("ParseVersion(%q) = %v, want an error", out, v)
		}
	}
}

// TestVersionField reads the Default target and Host CPU lines.
func TestVersionField(t *testing.T) {
	tests := []struct{ out, name, want string }{
		{debian19Opt, "Default target", "x86_64-pc-linux-gnu"},
		{debian19Opt, "Host CPU", "znver5"},
		{debian19LLC, "Host CPU", "znver5"},
		{debian14Opt, "Host CPU", "(unknown)"},
		{homebrew18Opt, "Default target", "arm64-apple-darwin23.6.0"},
		{fedora18Opt, "Default target", "x86_64-redhat-linux-gnu"},
		{rc20, "Default target", ""},
		{debian19LLD, "Host CPU", ""},
	}
	for _, tt := range tests {
		if got := versionField(tt.out, tt.name); got != tt.want {
			t.Errorf("versionField(%.20q…, %q) = %q, want %q", tt.out, tt.name, got, tt.want)
		}
	}
}
