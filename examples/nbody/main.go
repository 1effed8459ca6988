// Nbody simulates gravitating bodies by brute force: every body feels every other (all pairs,
// with softening so that close pairs stay finite), one work-item per body, float32, a square
// root per pair. The steps are queued at once with LaunchAsync, each after the one before.
//
//	go run ./examples/nbody [-device NAME] [-n BODIES] [-steps STEPS]
package main

//go:generate go run github.com/geobacter-go/geobacter/cmd/geobacter gen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/geobacter-go/geobacter"
	"github.com/geobacter-go/geobacter/kernel"
)

// Body is a body's position and mass. Structs in buffers have Go's layout on every device, so a
// []Body means the same 16 bytes per body on the host and on the device.
type Body struct {
	X, Y, Z, Mass float32
}

// Vec3 is a body's velocity.
type Vec3 struct {
	X, Y, Z float32
}

// Step is the kernel: one time step. Work-item i reads every body's position from Pos, updates
// its own velocity in Vel and writes its own new position to NewPos. Positions are read from one
// buffer and written to another, so that no work-item sees a position another has already
// moved; Vel is updated in place because each work-item reads and writes only its own element.
type Step struct {
	Pos    []Body
	NewPos []Body
	Vel    []Vec3
	Dt     float32 // time step
	Eps2   float32 // softening length squared
}

// Kernel runs once per body.
func (k *Step) Kernel(it kernel.Item) {
	i := it.GlobalID(0)
	p := k.Pos[i]

	// The acceleration: the sum over all bodies j of m_j (r_j - r_i) / (|r_j - r_i|² + ε²)^(3/2),
	// with the gravitational constant 1. Body i itself adds zero (its distance is zero and ε keeps
	// the division finite), so the loop needs no test.
	var ax, ay, az float32
	for _, q := range k.Pos {
		dx, dy, dz := q.X-p.X, q.Y-p.Y, q.Z-p.Z
		r2 := dx*dx + dy*dy + dz*dz + k.Eps2
		inv := 1 / float32(math.Sqrt(float64(r2)))
		s := q.Mass * inv * inv * inv
		ax += s * dx
		ay += s * dy
		az += s * dz
	}

	// Semi-implicit Euler: the new velocity moves the body.
	v := k.Vel[i]
	v.X += ax * k.Dt
	v.Y += ay * k.Dt
	v.Z += az * k.Dt
	k.Vel[i] = v
	k.NewPos[i] = Body{X: p.X + v.X*k.Dt, Y: p.Y + v.Y*k.Dt, Z: p.Z + v.Z*k.Dt, Mass: p.Mass}
}

// params are the simulation's constants.
type params struct {
	steps    int
	dt, eps2 float32
}

// launchSteps runs the steps on buffers in device-visible memory: pos and tmp hold the bodies (tmp
// is scratch), vel their velocities. It returns the buffer that holds the final positions.
//
// All steps are queued at once with LaunchAsync; After makes each start when the one before is
// done, and the host waits only at the end. The buffers must outlive every launch that uses them,
// so launchSteps waits for all of them before it returns, even when one fails or ctx is cancelled
// (a launch of a cancelled ctx stops soon: it starts no more groups).
func launchSteps(ctx context.Context, dev *geobacter.Device, pr params, pos, tmp []Body, vel []Vec3) ([]Body, error) {
	g := geobacter.Grid1(len(pos)).WithGroup(256)
	var events []*geobacter.Event
	var err error
	for range pr.steps {
		var ev *geobacter.Event
		ev, err = geobacter.LaunchAsync(ctx, dev, g, &Step{Pos: pos, NewPos: tmp, Vel: vel, Dt: pr.dt, Eps2: pr.eps2},
			geobacter.After(events...))
		if err != nil {
			break
		}
		events = append(events, ev)
		pos, tmp = tmp, pos // ping-pong: this step's new positions are the next step's input
	}
	for _, ev := range events {
		<-ev.Done()
	}
	if err == nil && len(events) > 0 {
		err = events[len(events)-1].Err()
	}
	return pos, err
}

// simulate runs the simulation on dev and leaves the final positions and velocities in pos and
// vel: it allocates device-visible buffers, copies the bodies in, launches, copies them back and
// frees the buffers. It returns how long the launches took.
func simulate(ctx context.Context, dev *geobacter.Device, pr params, pos []Body, vel []Vec3) (d time.Duration, err error) {
	dpos, err := geobacter.Alloc[Body](dev, len(pos))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, dpos)) }()
	dtmp, err := geobacter.Alloc[Body](dev, len(pos))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, dtmp)) }()
	dvel, err := geobacter.Alloc[Vec3](dev, len(vel))
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, geobacter.Free(dev, dvel)) }()
	copy(dpos, pos)
	copy(dvel, vel)

	start := time.Now()
	res, err := launchSteps(ctx, dev, pr, dpos, dtmp, dvel)
	if err != nil {
		return 0, err
	}
	d = time.Since(start)
	copy(pos, res)
	copy(vel, dvel)
	return d, nil
}

// simulateSerial is the plain-Go reference: the same steps as two loops over the bodies.
func simulateSerial(pr params, pos []Body, vel []Vec3) {
	next := make([]Body, len(pos))
	for range pr.steps {
		for i, p := range pos {
			var ax, ay, az float32
			for _, q := range pos {
				dx, dy, dz := q.X-p.X, q.Y-p.Y, q.Z-p.Z
				r2 := dx*dx + dy*dy + dz*dz + pr.eps2
				inv := 1 / float32(math.Sqrt(float64(r2)))
				s := q.Mass * inv * inv * inv
				ax += s * dx
				ay += s * dy
				az += s * dz
			}
			v := &vel[i]
			v.X += ax * pr.dt
			v.Y += ay * pr.dt
			v.Z += az * pr.dt
			next[i] = Body{X: p.X + v.X*pr.dt, Y: p.Y + v.Y*pr.dt, Z: p.Z + v.Z*pr.dt, Mass: p.Mass}
		}
		copy(pos, next)
	}
}

// cloud returns n bodies of total mass 1 spread uniformly in the unit ball, at rest.
func cloud(n int) ([]Body, []Vec3) {
	rng := rand.New(rand.NewPCG(1, 2))
	pos := make([]Body, n)
	for i := range pos {
		for {
			x, y, z := 2*rng.Float32()-1, 2*rng.Float32()-1, 2*rng.Float32()-1
			if x*x+y*y+z*z <= 1 {
				pos[i] = Body{X: x, Y: y, Z: z, Mass: 1 / float32(n)}
				break
			}
		}
	}
	return pos, make([]Vec3, n)
}

// tolerance bounds the difference in positions from the serial reference; the cloud is 2 across.
// The go device runs the same float32 operations and agrees exactly. A device may fuse
// multiply-adds (Go allows that), which changes last bits of each pair's term; over a few steps of
// a softened system that moves positions by far less than this.
const tolerance = 1e-4

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil && !errors.Is(err, flag.ErrHelp) { // -h prints the usage and is not a failure
		fmt.Fprintln(os.Stderr, "nbody:", err)
		os.Exit(1)
	}
}

// run is the program: main with its arguments and output passed in, so tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("nbody", flag.ContinueOnError)
	device := fs.String("device", "", `device to run on ("go", "cpu", "vulkan:0", ...); empty for the best one`)
	n := fs.Int("n", 4096, "number of bodies")
	steps := fs.Int("steps", 10, "number of time steps")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *steps < 1 {
		return fmt.Errorf("-n %d -steps %d: need at least one body and one step", *n, *steps)
	}
	pr := params{steps: *steps, dt: 1e-3, eps2: 1e-4}

	dev, err := geobacter.Open(ctx, *device)
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Fprintf(stdout, "device: %s\n", dev)

	wantPos, wantVel := cloud(*n)
	simulateSerial(pr, wantPos, wantVel)

	pos, vel := cloud(*n)
	d, err := simulate(ctx, dev, pr, pos, vel)
	if err != nil {
		return err
	}
	pairs := float64(*n) * float64(*n) * float64(*steps)
	fmt.Fprintf(stdout, "nbody: %d bodies, %d steps\n", *n, *steps)
	fmt.Fprintf(stdout, "kernel: %v for all steps (%.2f billion pairs/s)\n", d.Round(time.Microsecond), pairs/d.Seconds()/1e9)

	var maxErr float64
	for i := range pos {
		for _, e := range []float32{pos[i].X - wantPos[i].X, pos[i].Y - wantPos[i].Y, pos[i].Z - wantPos[i].Z} {
			maxErr = max(maxErr, math.Abs(float64(e)))
		}
		if !(maxErr <= tolerance) { // also catches NaN
			return fmt.Errorf("body %d at %v, serial Go %v: max abs error %g vs serial Go exceeds %g", i, pos[i], wantPos[i], maxErr, tolerance)
		}
	}
	fmt.Fprintf(stdout, "max abs error %g in positions vs serial Go: ok\n", maxErr)
	return nil
}
