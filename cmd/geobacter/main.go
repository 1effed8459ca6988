// Command geobacter is the command-line tool of Geobacter for Go.
//
// Usage:
//
//	geobacter <command>
//
// The commands are:
//
//	devices   list every device kind this program knows, one row per instance: its name
//	          (kind:index, as geobacter.Open takes it), its type, whether it is usable on this
//	          machine, and for one that is not, the reason and the fix
//	gen       [-check] [packages]: write geobacter_ir.go, the encoded IR of the package's
//	          kernels, in each package that declares kernels; with -check, write nothing and
//	          exit 1 when a file is missing or stale
//	vet       [packages]: report every violation of the kernel contract, with its position;
//	          exit 1 when there is one
//	ir        -target ir|llvm|cpu|ptx|amdgpu|spirv [-arch ARCH] PACKAGE KERNELTYPE: print a
//	          kernel's code at a stage of the pipeline: the optimised IR, the LLVM IR the backend
//	          emits, the LLVM IR after opt -O3 for this machine's CPU followed by its assembly,
//	          the PTX for an NVIDIA GPU, the assembly for an AMD GPU (-arch names the GPU), or
//	          the disassembly of the SPIR-V module for Vulkan
//	bench     [-devices LIST] [-bench REGEXP] [-runs N] [-size small|full] [-json FILE]
//	          [-plot FILE.svg]: run the benchmark suite (package bench) on every usable device
//	          and its references (serial and goroutine Go, C with OpenMP, OpenCL on PoCL), verify
//	          every result against serial Go, and print a table of median times, rates and
//	          ratios; optionally write every result as JSON and a bar chart as SVG
//	cache     dir|ls|clean: print the directory of the on-disk cache of compiled kernels,
//	          list its entries (key, size, age), or remove them
//	version   print the version of Geobacter, the Go version it was built with, the
//	          platform, and the device kinds compiled in
//	help      print this help (also -h and --help)
//
// Packages are named as the go command names them (default "."), relative to the current
// directory.
//
// A command it does not know, or arguments a command does not take, print the usage on standard
// error and exit with status 2. A command that fails exits with status 1.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/internal/device"
)

// usage is the help text: the commands that exist, nothing more.
const usage = `geobacter is the command-line tool of Geobacter for Go.

Usage:

	geobacter <command>

The commands are:

	devices   list the devices of every kind, usable or not, with the reason and the fix
	gen       [-check] [packages]: write (or check) geobacter_ir.go, the IR of the kernels
	vet       [packages]: report every violation of the kernel contract, with its position
	ir        -target ir|llvm|cpu|ptx|amdgpu|spirv PACKAGE KERNELTYPE: print a kernel's code at a pipeline stage
	bench     [-devices LIST] [-bench RE] [-size small|full] [-json F] [-plot F.svg]: run the benchmarks
	cache     dir|ls|clean: print the kernel cache's directory, list its entries, or empty it
	version   print the versions of Geobacter and Go, the platform and the device kinds
	help      print this help

Packages are named as for the go command; the default is ".".

Environment:

	GEOBACTER_DEVICE     the device geobacter.Open(ctx, "") opens, such as "go" or "go:0"
	GEOBACTER_CACHE      the directory of the kernel cache ("off" disables it); the default
	                     is geobacter in the user's cache directory
	GEOBACTER_CACHE_MAX  the cache's size cap in bytes (default 1 GiB)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args (without the program's name), writing to stdout and stderr, and
// returns the exit status: 0 on success, 1 when the command failed, 2 for a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "gen":
		return genCmd(rest, stdout, stderr)
	case "vet":
		return vetCmd(rest, stdout, stderr)
	case "ir":
		return irCmd(rest, stdout, stderr)
	case "cache":
		return cacheCmd(rest, stdout, stderr)
	case "bench":
		return benchCmd(rest, stdout, stderr)
	case "devices", "version":
		if len(rest) > 0 {
			fmt.Fprintf(stderr, "geobacter %s: unexpected arguments: %s\n\n%s", cmd, strings.Join(rest, " "), usage)
			return 2
		}
	default:
		fmt.Fprintf(stderr, "geobacter: unknown command %q\n\n%s", cmd, usage)
		return 2
	}

	var err error
	switch cmd {
	case "devices":
		err = devices(context.Background(), stdout)
	case "version":
		err = version(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "geobacter %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// devices writes the table of `geobacter devices`.
func devices(ctx context.Context, w io.Writer) error {
	infos, err := geobacter.Devices(ctx)
	if err != nil {
		return err
	}
	return writeDevices(w, infos)
}

// writeDevices writes infos as a table, "-" standing for an empty cell. The REASON and FIX
// columns are there only when some device is not usable.
func writeDevices(w io.Writer, infos []geobacter.DeviceInfo) error {
	anyUnusable := false
	for _, in := range infos {
		if !in.Usable {
			anyUnusable = true
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(cells ...string) {
		for i, c := range cells {
			if c == "" {
				cells[i] = "-"
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	header := []string{"DEVICE", "TYPE", "USABLE", "NAME"}
	if anyUnusable {
		header = append(header, "REASON", "FIX")
	}
	row(header...)
	for _, in := range infos {
		cells := []string{in.ID(), in.Type.String(), "yes", in.Name}
		if !in.Usable {
			cells[2] = "no"
		}
		if anyUnusable {
			cells = append(cells, in.Reason, in.Fix)
		}
		row(cells...)
	}
	return tw.Flush()
}

// version writes the output of `geobacter version`.
func version(w io.Writer) error {
	_, err := fmt.Fprintf(w, "geobacter %s\ngo        %s\nplatform  %s/%s\ndevices   %s\n",
		geobacter.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH, strings.Join(device.Kinds(), ", "))
	return err
}
