package vk

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Dispatch is one vkCmdDispatchBase: the groups [Base, Base+Count) of a launch's grid, run by
// Pipeline. WorkgroupId in the shader is the group's id in the whole grid.
type Dispatch struct {
	Pipeline *Pipeline
	Base     [3]uint32
	Count    [3]uint32
	// PushConstants, when not nil, are pushed before this dispatch in place of the launch's
	// (which later dispatches without their own get again): a way to give each piece of a grid
	// values of its own, such as its first group.
	PushConstants []byte
}

// Copy is one vkCmdCopyBuffer region between two allocations.
type Copy struct {
	Src, Dst             *Allocation
	SrcOffset, DstOffset uint64
	Size                 uint64
}

// Launch is what one submission runs, in order: the Before copies, the dispatches, the After
// copies, then a barrier that makes the shaders' and the copies' writes visible to the host.
// Host writes made before Submit are visible to the device without more.
type Launch struct {
	// PushConstants are pushed at offset 0 before the first dispatch (and again when a dispatch
	// uses a pipeline with another layout, or follows one with push constants of its own). Their
	// length is a multiple of 4 and at most the PushConstantSize of every pipeline that gets them.
	PushConstants []byte
	Dispatches    []Dispatch
	Before, After []Copy
	// Timestamps brackets the dispatches with timestamp queries; Job.GPUTime then reports the
	// time between them. It is ignored when the queue family has no timestamps.
	Timestamps bool
}

// Range is a box of a grid of groups: the groups [Base, Base+Count) in each dimension.
type Range struct {
	Base, Count [3]uint32
}

// Split cuts a grid of groups into boxes of at most max groups in each dimension, in x-major
// order, for one Dispatch each. Vulkan requires Base+Count to be at most the device's
// maxComputeWorkGroupCount in each dimension (VUID-vkCmdDispatchBase-groupCountX-00424), so
// splitting cannot extend a grid beyond that limit; it serves to cut one launch into several
// dispatches (a partial last group on a pipeline of its own, or a smaller cap).
func Split(groups, max [3]uint32) []Range {
	for i := range 3 {
		if groups[i] == 0 {
			return nil
		}
		if max[i] == 0 {
			panic("geobacter: BUG: vk: Split with a zero maximum")
		}
	}
	var rs []Range
	for z := uint32(0); z < groups[2]; z += min(max[2], groups[2]-z) {
		for y := uint32(0); y < groups[1]; y += min(max[1], groups[1]-y) {
			for x := uint32(0); x < groups[0]; x += min(max[0], groups[0]-x) {
				rs = append(rs, Range{
					Base:  [3]uint32{x, y, z},
					Count: [3]uint32{min(max[0], groups[0]-x), min(max[1], groups[1]-y), min(max[2], groups[2]-z)},
				})
			}
		}
	}
	return rs
}

// Piece is a box of a grid's groups and the group size of the pipeline that runs it.
type Piece struct {
	Range
	Group [3]uint32
}

// Pieces cuts a grid of global work-items in groups of local into boxes of whole groups of size
// local, and boxes of the partial last group in each dimension whose size is what remains
// (global mod local), each box at most max groups in each dimension. A kernel with barriers runs
// each piece on a pipeline specialised to its Group, so that every invocation that exists is a
// work-item of the grid; WorkgroupId is still the group's id in the whole grid, and the kernel
// computes global ids with the launch's group size, local. There are at most 8 kinds of Group.
func Pieces(global, local, max [3]uint32) []Piece {
	type seg struct{ base, count, group uint32 }
	var segs [3][]seg
	for k := range 3 {
		if global[k] == 0 || local[k] == 0 {
			return nil
		}
		if full := global[k] / local[k]; full > 0 {
			segs[k] = append(segs[k], seg{0, full, local[k]})
		}
		if rem := global[k] % local[k]; rem > 0 {
			segs[k] = append(segs[k], seg{global[k] / local[k], 1, rem})
		}
	}
	var ps []Piece
	for _, z := range segs[2] {
		for _, y := range segs[1] {
			for _, x := range segs[0] {
				base := [3]uint32{x.base, y.base, z.base}
				for _, r := range Split([3]uint32{x.count, y.count, z.count}, max) {
					for k := range 3 {
						r.Base[k] += base[k]
					}
					ps = append(ps, Piece{Range: r, Group: [3]uint32{x.group, y.group, z.group}})
				}
			}
		}
	}
	return ps
}

// cmdContext is what one submission needs: a command pool of its own with one command buffer
// (so that several goroutines record at once without locking), a fence, a timestamp query
// pool made on first use, and arena memory for the recording. Contexts are reused.
type cmdContext struct {
	d     *Device
	pool  uint64
	cmd   uintptr
	query uint64
	fixed *arena     // lives as long as the context
	fence *uint64    // in fixed: the fence, for vkWaitForFences
	stamp *[2]uint64 // in fixed: the timestamps read back
	rec   *arena     // reset for every recording
}

// getContext returns an idle context, or a new one.
func (d *Device) getContext() (*cmdContext, error) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, ErrClosed
	}
	if n := len(d.idle); n > 0 {
		c := d.idle[n-1]
		d.idle = d.idle[:n-1]
		d.mu.Unlock()
		return c, nil
	}
	d.mu.Unlock()

	c := &cmdContext{d: d, fixed: &arena{}, rec: &arena{}}
	a := c.rec
	defer a.reset()
	pool := newT[uint64](a)
	pinfo := put(a, vkCommandPoolCreateInfo{sType: stCommandPoolCreateInfo, flags: commandPoolTransient, queueFamilyIndex: uint32(d.QueueFamily)})
	if err := check("vkCreateCommandPool", Result(call(d.fn.createCommandPool, d.handle, pinfo, 0, addrOf(pool)))); err != nil {
		return nil, err
	}
	c.pool = *pool
	d.live.contexts.Add(1)
	cmd := newT[uintptr](a)
	ainfo := put(a, vkCommandBufferAllocateInfo{sType: stCommandBufferAllocateInfo, commandPool: c.pool, level: commandBufferLevelPrimary, commandBufferCount: 1})
	if err := check("vkAllocateCommandBuffers", Result(call(d.fn.allocateCommandBuffers, d.handle, ainfo, addrOf(cmd)))); err != nil {
		c.destroy()
		return nil, err
	}
	c.cmd = *cmd
	c.fence = newT[uint64](c.fixed)
	c.stamp = newT[[2]uint64](c.fixed)
	finfo := put(a, vkFenceCreateInfo{sType: stFenceCreateInfo})
	if err := check("vkCreateFence", Result(call(d.fn.createFence, d.handle, finfo, 0, addrOf(c.fence)))); err != nil {
		c.destroy()
		return nil, err
	}
	return c, nil
}

// putContext makes a context whose work is complete and whose fence is reset idle.
func (d *Device) putContext(c *cmdContext) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		c.destroy()
		return
	}
	d.idle = append(d.idle, c)
}

// destroy destroys the context's objects; its work must be complete.
func (c *cmdContext) destroy() {
	d := c.d
	if c.query != 0 {
		call(d.fn.destroyQueryPool, d.handle, uintptr(c.query), 0)
	}
	if c.fence != nil && *c.fence != 0 {
		call(d.fn.destroyFence, d.handle, uintptr(*c.fence), 0)
	}
	if c.pool != 0 {
		call(d.fn.destroyCommandPool, d.handle, uintptr(c.pool), 0) // frees the command buffer
		d.live.contexts.Add(-1)
	}
	c.fixed.destroy()
	c.rec.destroy()
}

// timestamps reports whether the device's queue can write timestamps.
func (d *Device) timestamps() bool {
	return d.Physical.QueueFamilies[d.QueueFamily].TimestampValidBits > 0
}

// check validates a launch against the device.
func (d *Device) checkLaunch(l *Launch) error {
	if len(l.PushConstants)%4 != 0 {
		return fmt.Errorf("vulkan: %d bytes of push constants is not a multiple of 4", len(l.PushConstants))
	}
	for i, x := range l.Dispatches {
		if x.Pipeline == nil || x.Pipeline.d != d || x.Pipeline.destroyed.Load() {
			return fmt.Errorf("vulkan: dispatch %d has no live pipeline of this device", i)
		}
		push := l.PushConstants
		if x.PushConstants != nil {
			push = x.PushConstants
			if len(push)%4 != 0 {
				return fmt.Errorf("vulkan: dispatch %d: %d bytes of push constants is not a multiple of 4", i, len(push))
			}
		}
		if len(push) > int(x.Pipeline.PushConstantSize) {
			return fmt.Errorf("vulkan: dispatch %d: %d bytes of push constants exceed the pipeline's %d", i, len(push), x.Pipeline.PushConstantSize)
		}
		for k := range 3 {
			if x.Count[k] > d.maxGroup[k] || x.Base[k] > d.maxGroup[k]-x.Count[k] {
				return fmt.Errorf("vulkan: dispatch %d: groups [%v, +%v) exceed the device's maxComputeWorkGroupCount %v", i, x.Base, x.Count, d.maxGroup)
			}
		}
	}
	for _, cs := range [][]Copy{l.Before, l.After} {
		for _, c := range cs {
			if c.Src == nil || c.Dst == nil || c.Src.freed.Load() || c.Dst.freed.Load() {
				return fmt.Errorf("vulkan: copy with a missing or freed allocation")
			}
			if c.SrcOffset+c.Size > c.Src.Size || c.DstOffset+c.Size > c.Dst.Size || c.SrcOffset+c.Size < c.Size || c.DstOffset+c.Size < c.Size {
				return fmt.Errorf("vulkan: copy of %d bytes from offset %d of %d to offset %d of %d is out of range", c.Size, c.SrcOffset, c.Src.Size, c.DstOffset, c.Dst.Size)
			}
		}
	}
	return nil
}

// record records l into c's command buffer.
func (c *cmdContext) record(l *Launch, stamps bool) error {
	d := c.d
	a := c.rec
	a.reset()
	cmd := c.cmd
	if err := check("vkResetCommandPool", Result(call(d.fn.resetCommandPool, d.handle, uintptr(c.pool), 0))); err != nil {
		return err
	}
	begin := put(a, vkCommandBufferBeginInfo{sType: stCommandBufferBeginInfo, flags: commandBufferOneTimeSubmit})
	if err := check("vkBeginCommandBuffer", Result(call(d.fn.beginCommandBuffer, cmd, begin))); err != nil {
		return err
	}
	barrier := func(srcStage, dstStage, srcAccess, dstAccess uint32) {
		b := put(a, vkMemoryBarrier{sType: stMemoryBarrier, srcAccessMask: srcAccess, dstAccessMask: dstAccess})
		call(d.fn.cmdPipelineBarrier, cmd, uintptr(srcStage), uintptr(dstStage), 0, 1, b, 0, 0, 0, 0)
	}
	copies := func(cs []Copy) {
		for _, x := range cs {
			if x.Size == 0 {
				continue
			}
			r := put(a, vkBufferCopy{srcOffset: x.Src.Offset + x.SrcOffset, dstOffset: x.Dst.Offset + x.DstOffset, size: x.Size})
			call(d.fn.cmdCopyBuffer, cmd, uintptr(x.Src.Buffer), uintptr(x.Dst.Buffer), 1, r)
		}
	}
	if len(l.Before) > 0 {
		copies(l.Before)
		barrier(stageTransfer, stageComputeShader|stageTransfer, accessTransferWrite, accessShaderRead|accessShaderWrite|accessTransferRead|accessTransferWrite)
	}
	if stamps {
		call(d.fn.cmdResetQueryPool, cmd, uintptr(c.query), 0, 2)
		call(d.fn.cmdWriteTimestamp, cmd, stageTopOfPipe, uintptr(c.query), 0)
	}
	launchPush := a.bytes(l.PushConstants)
	var bound *Pipeline
	var pushedLayout, pushedData uintptr
	for _, x := range l.Dispatches {
		p := x.Pipeline
		if p != bound {
			call(d.fn.cmdBindPipeline, cmd, pipelineBindPointCompute, uintptr(p.handle))
			bound = p
		}
		data, n := launchPush, len(l.PushConstants)
		if x.PushConstants != nil {
			data, n = a.bytes(x.PushConstants), len(x.PushConstants)
		}
		if data != 0 && (p.layout != pushedLayout || data != pushedData) {
			call(d.fn.cmdPushConstants, cmd, p.layout, shaderStageCompute, 0, uintptr(n), data)
			pushedLayout, pushedData = p.layout, data
		}
		call(d.fn.cmdDispatchBase, cmd,
			uintptr(x.Base[0]), uintptr(x.Base[1]), uintptr(x.Base[2]),
			uintptr(x.Count[0]), uintptr(x.Count[1]), uintptr(x.Count[2]))
	}
	if stamps {
		call(d.fn.cmdWriteTimestamp, cmd, stageBottomOfPipe, uintptr(c.query), 1)
	}
	if len(l.After) > 0 {
		barrier(stageComputeShader|stageTransfer, stageTransfer, accessShaderWrite|accessTransferWrite, accessTransferRead|accessTransferWrite)
		copies(l.After)
	}
	barrier(stageComputeShader|stageTransfer, stageHost, accessShaderWrite|accessTransferWrite, accessHostRead|accessHostWrite)
	return check("vkEndCommandBuffer", Result(call(d.fn.endCommandBuffer, cmd)))
}

// Job is a submitted launch.
type Job struct {
	d      *Device
	c      *cmdContext
	stamps bool

	waitMu sync.Mutex // one vkWaitForFences at a time, so that the fence is not reused under a waiter
	done   chan struct{}
	err    error
	gpu    time.Duration
}

// DefaultSpinWait is how long Job.Wait polls a launch's fence before it blocks in the driver,
// unless DeviceOptions.SpinWait says otherwise.
const DefaultSpinWait = 50 * time.Microsecond

// pollInterval bounds how long Wait blocks in the driver before it looks at its context again.
const pollInterval = 2 * time.Millisecond

// Submit records l into a command buffer of the device's pool and submits it with a fence. The
// queue is locked only for vkQueueSubmit, so goroutines can record and submit concurrently.
// Everything l uses (allocations, pipelines) must stay alive until the job is done.
func (d *Device) Submit(l *Launch) (*Job, error) {
	if err := d.checkLaunch(l); err != nil {
		return nil, err
	}
	if err := d.enter(); err != nil {
		return nil, err
	}
	defer d.leave()
	c, err := d.getContext()
	if err != nil {
		return nil, err
	}
	stamps := l.Timestamps && d.timestamps() && len(l.Dispatches) > 0
	if stamps && c.query == 0 {
		info := put(c.rec, vkQueryPoolCreateInfo{sType: stQueryPoolCreateInfo, queryType: queryTypeTimestamp, queryCount: 2})
		q := newT[uint64](c.rec)
		if err := check("vkCreateQueryPool", Result(call(d.fn.createQueryPool, d.handle, info, 0, addrOf(q)))); err != nil {
			d.putContext(c)
			return nil, err
		}
		c.query = *q
	}
	if err := c.record(l, stamps); err != nil {
		d.putContext(c)
		return nil, err
	}
	a := c.rec
	submit := put(a, vkSubmitInfo{sType: stSubmitInfo, commandBufferCount: 1, pCommandBuffers: put(a, c.cmd)})

	d.queueMu.Lock()
	r := Result(call(d.fn.queueSubmit, d.queue, 1, submit, uintptr(*c.fence)))
	d.queueMu.Unlock()
	if r != Success {
		d.putContext(c)
		return nil, check("vkQueueSubmit", r)
	}
	j := &Job{d: d, c: c, stamps: stamps, done: make(chan struct{})}
	d.mu.Lock()
	d.jobs[j] = struct{}{}
	d.mu.Unlock()
	return j, nil
}

// Wait waits until the job's GPU work is complete, and returns its error (a device loss). When
// ctx ends first, Wait returns ctx's error and the GPU work goes on: the job's allocations and
// pipelines must then stay alive until a later Wait returns nil or Done reports true.
func (j *Job) Wait(ctx context.Context) error {
	slice := uint64(pollInterval)
	if ctx.Done() == nil {
		slice = uint64(time.Second)
	}
	select {
	case <-j.done:
		return j.err
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Short launches finish within microseconds: poll the fence for a while before blocking in
	// the driver, which costs a wake-up of this thread on top of the work.
	if spin := j.d.spinWait; spin > 0 {
		deadline := time.Now().Add(spin)
		for !j.Done() && time.Now().Before(deadline) {
		}
	}
	for {
		select {
		case <-j.done:
			return j.err
		default:
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		j.waitMu.Lock()
		select {
		case <-j.done:
			j.waitMu.Unlock()
			return j.err
		default:
		}
		d := j.d
		r := Result(call(d.fn.waitForFences, d.handle, 1, addrOf(j.c.fence), vkTrue, uintptr(slice)))
		switch r {
		case Success:
			j.finish(nil)
		case Timeout:
		default:
			j.finish(check("vkWaitForFences", r))
		}
		j.waitMu.Unlock()
	}
}

// Done reports, without blocking, whether the job's GPU work is complete.
func (j *Job) Done() bool {
	select {
	case <-j.done:
		return true
	default:
	}
	if !j.waitMu.TryLock() {
		return false
	}
	defer j.waitMu.Unlock()
	select {
	case <-j.done:
		return true
	default:
	}
	d := j.d
	switch r := Result(call(d.fn.getFenceStatus, d.handle, uintptr(*j.c.fence))); r {
	case Success:
		j.finish(nil)
	case NotReady:
		return false
	default:
		j.finish(check("vkGetFenceStatus", r))
	}
	return true
}

// GPUTime returns the time the device took from before the first dispatch to after the last,
// from timestamp queries; 0 without Launch.Timestamps, or before the job is done.
func (j *Job) GPUTime() time.Duration {
	select {
	case <-j.done:
		return j.gpu
	default:
		return 0
	}
}

// finish ends a job whose fence is signalled (err nil) or whose device failed; j.waitMu is held.
func (j *Job) finish(err error) {
	d, c := j.d, j.c
	if err == nil {
		if j.stamps {
			r := Result(call(d.fn.getQueryPoolResults, d.handle, uintptr(c.query), 0, 2, 16, addrOf(c.stamp), 8, queryResult64|queryResultWait))
			if r == Success {
				bits := d.Physical.QueueFamilies[d.QueueFamily].TimestampValidBits
				ticks := c.stamp[1] - c.stamp[0]
				if bits < 64 {
					ticks &= 1<<bits - 1
				}
				j.gpu = time.Duration(float64(ticks) * float64(d.Physical.Limits.TimestampPeriod))
			}
		}
		err = check("vkResetFences", Result(call(d.fn.resetFences, d.handle, 1, addrOf(c.fence))))
	}
	d.mu.Lock()
	delete(d.jobs, j)
	d.mu.Unlock()
	if err == nil {
		d.putContext(c)
	} // else the context is left to the device's destruction: its state is unknown
	j.c = nil
	j.err = err
	close(j.done)
}

// Run submits l and waits for it with ctx. When ctx ends first, Run returns ctx's error with the
// job: the GPU work goes on, a goroutine waits for it and then recycles the command buffer and
// fence, and the caller must keep what l uses alive until job.Wait(context.Background())
// returns or job.Done() reports true.
func (d *Device) Run(ctx context.Context, l *Launch) (*Job, error) {
	j, err := d.Submit(l)
	if err != nil {
		return nil, err
	}
	if err := j.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			go j.Wait(context.Background())
		}
		return j, err
	}
	return j, nil
}
