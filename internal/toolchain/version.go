package toolchain

import (
	"bufio"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MinMajor is the oldest LLVM major version the toolchain accepts.
const MinMajor = 17

// Version is an LLVM tool's version, as its --version output gives it.
type Version struct {
	// Major, Minor and Patch are the release's numbers; Patch is 0 when the output has none.
	Major, Minor, Patch int
	// Suffix is whatever follows the numbers, such as "git" or "rc2"; empty for a release.
	Suffix string
	// Vendor is the packager's name printed before the version, such as "Debian", "Ubuntu",
	// "Homebrew" or "AMD"; empty for an upstream build.
	Vendor string
	// Line is the line of the output the version was read from, without surrounding spaces.
	Line string
}

// String returns the version's numbers and suffix, such as "19.1.7" or "21.0.0git".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d%s", v.Major, v.Minor, v.Patch, v.Suffix)
}

// versionRE matches the line of opt's and llc's output ("Debian LLVM version 19.1.7",
// "  LLVM version 17.0.6") and of ld.lld's ("Homebrew LLD 18.1.8 (compatible with GNU linkers)").
// Group 1 is the vendor, 2–4 the numbers, 5 the suffix.
var versionRE = regexp.MustCompile(`^(.*?)\s*\b(?:LLVM version|LLD)\s+(\d+)\.(\d+)(?:\.(\d+))?([0-9A-Za-z.+~_-]*)`)

// ParseVersion reads the version from the output of an LLVM tool's --version flag (opt, llc,
// llvm-as, ld.lld and the others print it in one of two forms: "LLVM version X.Y.Z" or
// "LLD X.Y.Z", each possibly after a vendor's name).
func ParseVersion(output string) (Version, error) {
	sc := bufio.NewScanner(strings.NewReader(output))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		m := versionRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v := Version{Vendor: m[1], Suffix: m[5], Line: line}
		v.Major, _ = strconv.Atoi(m[2])
		v.Minor, _ = strconv.Atoi(m[3])
		if m[4] != "" {
			v.Patch, _ = strconv.Atoi(m[4])
		}
		return v, nil
	}
	first, _, _ := strings.Cut(strings.TrimSpace(output), "\n")
	return Version{}, fmt.Errorf("no LLVM or LLD version in the output (it starts %q)", first)
}

// versionField returns the value of a "Name: value" line of opt's or llc's --version output, such
// as "Default target" or "Host CPU", or "" when there is none.
func versionField(output, name string) string {
	sc := bufio.NewScanner(strings.NewReader(output))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if ok && k == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
