package ir

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"sync/atomic"
	"unsafe"
)

// maxDepth bounds the frames of one work-item: deeper recursion is reported as a PanicError
// rather than exhausting memory.
const maxDepth = 1 << 16

// ievent is why a work-item stopped running.
type ievent uint8

const (
	evBarrier  ievent = iota + 1 // it waits at a barrier
	evReturned                   // its kernel returned
	evPanicked                   // it panicked: worker.failure says how
	evStopped                    // the launch is stopping
)

// iframe is one function call of a work-item.
type iframe struct {
	ifunc *ifunc
	vals  []ival  // by slot
	b     *iblock // the block being run
	pc    int     // the next instruction of b.body
	ret   int32   // the caller's slot that receives the result, or -1
}

// witem is the state of one work-item: its stack of frames, kept while it waits at a barrier.
type witem struct {
	id      [3]int // global id
	lid     [3]int // local id
	frames  []iframe
	depth   int // frames in use
	barrier Pos // the barrier it waits at
}

// worker runs groups one after another. Its items, frames and shared variables are reused from
// group to group.
type worker struct {
	l     *ilaunch
	gi    int64 // the group being run
	items []witem
	tmp   []ival // the phis' operands while a block is entered

	gid, base, size [3]int
	n               int // work-items that run in the group

	shared     []unsafe.Pointer // by slot: the variable, reused by the worker's groups
	sharedUsed []bool           // by slot: claimed (and zeroed) in this group

	cur     int // the work-item being run, for internal errors
	failure *PanicError
}

func newWorker(l *ilaunch) *worker {
	return &worker{
		l:          l,
		shared:     make([]unsafe.Pointer, len(l.prog.shared)),
		sharedUsed: make([]bool, len(l.prog.shared)),
	}
}

// runGroup runs group gi (in grid order, x fastest) to its end. It returns a *PanicError when a
// work-item panicked or the group's work-items diverged at a barrier, another error for a bug
// found while running, or nil when every work-item returned or the launch is stopping.
func (w *worker) runGroup(gi int64) (err error) {
	l := w.l
	w.gi = gi
	g0, g1 := int64(l.groups[0]), int64(l.groups[1])
	w.gid = [3]int{int(gi % g0), int(gi / g0 % g1), int(gi / (g0 * g1))}
	w.n = 1
	for d := range 3 {
		w.base[d] = w.gid[d] * l.local[d]
		w.size[d] = min(l.local[d], l.global[d]-w.base[d])
		w.n *= w.size[d]
	}
	clear(w.sharedUsed)
	for len(w.items) < w.n {
		w.items = append(w.items, witem{})
	}
	defer func() {
		if r := recover(); r != nil {
			err = w.internalError(r)
		}
	}()
	w.cur = w.n // no work-item runs yet
	for i := range w.n {
		w.start(&w.items[i], i)
	}
	// Each round runs every work-item, in order, until it waits at a barrier, returns or panics,
	// and stops at the first that does not do what the first work-item did, as the go device does.
	for {
		var lead ievent
		for i := range w.n {
			w.cur = i
			it := &w.items[i]
			ev := w.step(it)
			switch ev {
			case evPanicked:
				return w.failure
			case evStopped:
				if l.cancelled.Load() {
					l.unfinished.Store(true)
				}
				return nil
			}
			if i == 0 {
				lead = ev
			} else if ev != lead {
				waiting, gone := &w.items[0], it
				if lead == evReturned {
					waiting, gone = it, &w.items[0]
				}
				return &PanicError{
					Kernel: l.prog.name,
					Pos:    waiting.barrier,
					Msg: fmt.Sprintf("barrier not reached by all work-items: work-item %s waits at this barrier but work-item %s returned without reaching it",
						fmtItem(waiting.id), fmtItem(gone.id)),
					WorkItem: waiting.id,
				}
			}
		}
		if lead == evReturned {
			return nil
		}
	}
}

func fmtItem(id [3]int) string { return fmt.Sprintf("(%d,%d,%d)", id[0], id[1], id[2]) }

// internalError is the error of a Go panic r that escaped the interpreter while it ran work-item
// w.cur: a bug, in the interpreter or in IR the compile step did not reject.
func (w *worker) internalError(r any) error {
	where := ""
	if w.cur < w.n {
		it := &w.items[w.cur]
		if it.depth > 0 {
			fr := &it.frames[it.depth-1]
			where = fmt.Sprintf(" in %s b%d", fr.ifunc.f.Name, fr.b.b.ID)
			if fr.pc > 0 && fr.pc <= len(fr.b.body) {
				v := fr.b.body[fr.pc-1].v
				where += fmt.Sprintf(" at v%d (%v)", v.ID, v.Op)
				if v.Pos.IsKnown() {
					where += " @" + v.Pos.String()
				}
			}
		}
		where += " of work-item " + fmtItem(it.id)
	}
	return fmt.Errorf("ir.Run: %s: internal error%s: %v", w.l.prog.name, where, r)
}

// start makes work-item i of the group ready to run the kernel from its entry.
func (w *worker) start(it *witem, i int) {
	lx, ly, lz := i%w.size[0], i/w.size[0]%w.size[1], i/(w.size[0]*w.size[1])
	it.lid = [3]int{lx, ly, lz}
	it.id = [3]int{w.base[0] + lx, w.base[1] + ly, w.base[2] + lz}
	if len(it.frames) == 0 {
		it.frames = make([]iframe, 1, 4)
	}
	k := w.l.prog.kernel
	fr := &it.frames[0]
	fr.ifunc, fr.b, fr.pc, fr.ret = k, k.blocks[0], 0, -1
	fr.vals = islots(fr.vals, k.islots)
	fr.vals[k.params[0]] = ival{p: w.l.args}
	it.depth = 1
}

// islots returns a zeroed []ival of length n, reusing s when it is large enough.
func islots(s []ival, n int) []ival {
	if cap(s) < n {
		return make([]ival, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// panicAt records a panic of work-item it and returns evPanicked.
func (w *worker) panicAt(it *witem, pos Pos, msg string) ievent {
	w.failure = &PanicError{Kernel: w.l.prog.name, Pos: pos, Msg: msg, WorkItem: it.id}
	return evPanicked
}

const (
	runtimeError = "runtime error: "
	nilMessage   = runtimeError + NilMessage
)

// step runs work-item it until it waits at a barrier, returns or panics, or the launch stops.
func (w *worker) step(it *witem) ievent {
	fr := &it.frames[it.depth-1]
	for {
		b := fr.b
		if fr.pc < len(b.body) {
			in := b.body[fr.pc]
			fr.pc++
			switch in.op {
			case OpCall:
				if it.depth >= maxDepth {
					return w.panicAt(it, in.v.Pos, fmt.Sprintf("stack overflow: more than %d nested calls", maxDepth))
				}
				if w.stopping() {
					return evStopped
				}
				fr = w.call(it, fr, in)
			case OpIntrinsic:
				if in.v.Intrinsic() == Barrier {
					if w.n > 1 {
						it.barrier = in.v.Pos
						return evBarrier
					}
					continue
				}
				if ev := w.exec(it, fr.vals, in); ev != 0 {
					return ev
				}
			default:
				if ev := w.exec(it, fr.vals, in); ev != 0 {
					return ev
				}
			}
			continue
		}
		// The terminator.
		if w.stopping() {
			return evStopped
		}
		switch b.term {
		case BlockJump:
			w.enter(fr, 0)
		case BlockIf:
			if fr.vals[b.ctrl[0]].x&1 != 0 {
				w.enter(fr, 0)
			} else {
				w.enter(fr, 1)
			}
		case BlockReturn:
			var r ival
			switch {
			case fr.ifunc.tuple > 0:
				t := make([]ival, len(b.ctrl))
				for i, s := range b.ctrl {
					t[i] = fr.vals[s]
				}
				r = ival{p: unsafe.Pointer(unsafe.SliceData(t)), x: int64(len(t))}
			case len(b.ctrl) == 1:
				r = fr.vals[b.ctrl[0]]
			}
			ret := fr.ret
			it.depth--
			if it.depth == 0 {
				return evReturned
			}
			fr = &it.frames[it.depth-1]
			if ret >= 0 {
				fr.vals[ret] = r
			}
		case BlockPanic:
			return w.panicAt(it, b.b.Pos, b.b.Msg)
		}
	}
}

// stopping reports whether the group being run must stop: ctx is done, or a group before it in
// grid order failed.
func (w *worker) stopping() bool {
	return w.l.cancelled.Load() || w.gi > w.l.limit.Load()
}

// call pushes the frame of the call in, made in frame fr, and returns it.
func (w *worker) call(it *witem, fr *iframe, in *iinstr) *iframe {
	caller := fr.vals
	if it.depth == len(it.frames) {
		it.frames = append(it.frames, iframe{})
	}
	c := in.callee
	nf := &it.frames[it.depth]
	it.depth++
	nf.ifunc, nf.b, nf.pc, nf.ret = c, c.blocks[0], 0, in.dst
	nf.vals = islots(nf.vals, c.islots)
	for i, s := range c.params {
		nf.vals[s] = caller[in.a[i]]
	}
	return nf
}

// enter moves frame fr along the edge to successor i of its block, setting the successor's phis
// from the values of this edge, all read before any is written.
func (w *worker) enter(fr *iframe, i int) {
	b := fr.b
	s := b.succ[i]
	if len(s.phis) > 0 {
		tmp := w.tmp[:0]
		for _, a := range s.in[b.edge[i]] {
			tmp = append(tmp, fr.vals[a])
		}
		for j, d := range s.phis {
			fr.vals[d] = tmp[j]
		}
		w.tmp = tmp
	}
	fr.b, fr.pc = s, 0
}

// ub reports undefined behaviour of the IR at in as a panic of work-item it.
func (w *worker) ub(it *witem, in *iinstr, what string) ievent {
	return w.panicAt(it, in.v.Pos, "undefined behaviour: "+what)
}

// indexString formats index bits i of a value of type t as Go prints an index.
func indexString(t Type, i int64) string {
	if b, ok := t.(*Basic); ok && !b.IsSigned() {
		return strconv.FormatUint(uint64(i), 10)
	}
	return strconv.FormatInt(i, 10)
}

var itemMethods = [...]string{GlobalID: "GlobalID", LocalID: "LocalID", GroupID: "GroupID",
	GlobalSize: "GlobalSize", LocalSize: "LocalSize", NumGroups: "NumGroups"}

// exec runs one instruction other than a call or a barrier in frame values vals. It returns 0, or
// evPanicked when the work-item panicked.
func (w *worker) exec(it *witem, vals []ival, in *iinstr) ievent {
	a := in.a
	switch op := in.op; op {
	case OpConst:
		vals[in.dst] = ival{x: in.v.AuxInt}
	case OpZero:
		if in.t.tkind == kAggregate {
			vals[in.dst] = ival{p: in.t.zero}
		} else {
			vals[in.dst] = ival{}
		}
	case OpAdd, OpSub, OpMul, OpDiv, OpRem, OpAnd, OpOr, OpXor, OpAndNot, OpShl, OpShr, OpMin, OpMax:
		r, ok := EvalBinary(op, in.bt, vals[a[0]].x, vals[a[1]].x)
		if !ok {
			return w.ub(it, in, "integer divide by zero (a "+op.String()+" without a checkdivide)")
		}
		vals[in.dst] = ival{x: r}
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		x, y := vals[a[0]], vals[a[1]]
		var r bool
		if in.bt != nil {
			r = EvalCompare(op, in.bt, x.x, y.x)
		} else {
			r = (x.p == y.p && x.x == y.x) == (op == OpEq)
		}
		vals[in.dst] = ival{x: b2i(r)}
	case OpNeg, OpNot, OpCom:
		vals[in.dst] = ival{x: EvalUnary(op, in.bt, vals[a[0]].x)}
	case OpConvert:
		vals[in.dst] = ival{x: EvalConvert(in.bt, in.t.bt, vals[a[0]].x)}
	case OpLocal:
		vals[in.dst] = ival{p: newVar(in.elem)}
	case OpShared:
		vals[in.dst] = ival{p: w.sharedVar(int(in.v.AuxInt), in.elem)}
	case OpLoad:
		p := vals[a[0]].p
		if p == nil {
			return w.panicAt(it, in.v.Pos, nilMessage)
		}
		vals[in.dst] = iload(in.t, p)
	case OpStore:
		p := vals[a[0]].p
		if p == nil {
			return w.panicAt(it, in.v.Pos, nilMessage)
		}
		x := vals[a[1]]
		if in.elem.tkind == kAggregate {
			idefined(x)
		}
		istore(in.elem, p, x)
	case OpFieldAddr:
		base := vals[a[0]]
		if base.p == nil {
			vals[in.dst] = ival{x: base.x + in.off}
		} else {
			vals[in.dst] = ival{p: unsafe.Add(base.p, in.off)}
		}
	case OpField:
		vals[in.dst] = ielement(in.t, unsafe.Add(idefined(vals[a[0]]).p, in.off))
	case OpIndexAddr:
		base, i := vals[a[0]], vals[a[1]].x
		var n int64
		if in.at.tkind == kSlice {
			n = base.x
		} else {
			n = arrayLen(in.at.t)
		}
		if uint64(i) >= uint64(n) {
			return w.ub(it, in, "index out of range ["+indexString(in.v.Args[1].Type, i)+"] with length "+strconv.FormatInt(n, 10)+" (an indexaddr without a checkbounds)")
		}
		if base.p == nil {
			vals[in.dst] = ival{x: base.x + i*in.elem.size}
		} else {
			vals[in.dst] = ival{p: unsafe.Add(base.p, i*in.elem.size)}
		}
	case OpIndex:
		i, n := vals[a[1]].x, in.at.len
		if uint64(i) >= uint64(n) {
			return w.ub(it, in, "index out of range ["+indexString(in.v.Args[1].Type, i)+"] with length "+strconv.FormatInt(n, 10)+" (an index without a checkbounds)")
		}
		vals[in.dst] = ielement(in.t, unsafe.Add(idefined(vals[a[0]]).p, i*in.elem.size))
	case OpLen, OpCap:
		if op == OpLen {
			vals[in.dst] = ival{x: vals[a[0]].x}
		} else {
			vals[in.dst] = ival{x: vals[a[0]].y}
		}
	case OpSlicePtr:
		vals[in.dst] = ival{p: vals[a[0]].p}
	case OpSlice:
		return w.slice(it, vals, in)
	case OpCopy:
		d, s := vals[a[0]], vals[a[1]]
		n := min(d.x, s.x)
		moveElems(in.elem, d.p, s.p, n)
		vals[in.dst] = ival{x: n}
	case OpCheckBounds:
		x, y := vals[a[0]].x, vals[a[1]].x
		if k := in.v.BoundsKind(); k.Fails(x, y) {
			return w.panicAt(it, in.v.Pos, runtimeError+k.Message(x, y, in.v.AuxInt&BoundsSigned != 0))
		}
	case OpCheckNil:
		if vals[a[0]].p == nil {
			return w.panicAt(it, in.v.Pos, nilMessage)
		}
	case OpCheckDivide:
		if vals[a[0]].x == 0 {
			return w.panicAt(it, in.v.Pos, runtimeError+DivideMessage)
		}
	case OpCheckShift:
		if in.bt.IsSigned() && vals[a[0]].x < 0 {
			return w.panicAt(it, in.v.Pos, runtimeError+ShiftMessage)
		}
	case OpSpaceCast:
		vals[in.dst] = vals[a[0]] // every space is Go memory: the address is the pointer
	case OpExtract:
		vals[in.dst] = tupleOf(vals[a[0]])[in.v.AuxInt]
	case OpIntrinsic:
		return w.intrinsic(it, vals, in)
	case OpAtomic:
		return w.atomic(it, vals, in)
	default:
		panic(fmt.Sprintf("the interpreter does not run %v", op))
	}
	return 0
}

// idefined returns v, a struct or array value, after checking that it was computed: a value used
// where its definition did not run (IR the verifier rejects) is zero, and its nil storage must
// not be read.
func idefined(v ival) ival {
	if v.p == nil {
		panic("use of a struct or array value whose definition did not run")
	}
	return v
}

// ielement reads a struct field or an array element of type t at p, inside an aggregate value: an
// aggregate is not copied (values are immutable), a scalar, pointer or slice is loaded.
func ielement(t *tinfo, p unsafe.Pointer) ival {
	if t.tkind == kAggregate {
		return ival{p: p}
	}
	return iload(t, p)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// slice runs an OpSlice: s[lo:hi:max] of a slice, or of the array a pointer points to.
func (w *worker) slice(it *witem, vals []ival, in *iinstr) ievent {
	base := vals[in.a[0]]
	lo, hi, mx := vals[in.a[1]].x, vals[in.a[2]].x, vals[in.a[3]].x
	p, c := base.p, base.y
	if in.at.tkind != kSlice {
		if p == nil {
			return w.panicAt(it, in.v.Pos, nilMessage)
		}
		c = arrayLen(in.at.t)
	}
	if uint64(lo) > uint64(hi) || uint64(hi) > uint64(mx) || uint64(mx) > uint64(c) {
		return w.ub(it, in, fmt.Sprintf("slice bounds out of range [%d:%d:%d] with capacity %d (a slice without a checkbounds)", lo, hi, mx, c))
	}
	// As Go does, a slice with no capacity left keeps the base pointer rather than point past
	// the end of its array.
	if mx-lo > 0 {
		p = unsafe.Add(p, lo*in.elem.size)
	}
	vals[in.dst] = ival{p: p, x: hi - lo, y: mx - lo}
	return 0
}

// sharedVar returns the group's shared variable of slot n, of type t, zeroed on its first use in
// the group.
func (w *worker) sharedVar(n int, t *tinfo) unsafe.Pointer {
	p := w.shared[n]
	if !w.sharedUsed[n] {
		w.sharedUsed[n] = true
		if p == nil {
			p = newVar(t)
			w.shared[n] = p
		} else {
			reflect.NewAt(t.gt, p).Elem().SetZero()
		}
	}
	return p
}

// intrinsic runs an OpIntrinsic other than the barrier.
func (w *worker) intrinsic(it *witem, vals []ival, in *iinstr) ievent {
	k := in.v.Intrinsic()
	if k.IsWorkItem() {
		d := vals[in.a[0]].x
		if uint64(d) > 2 {
			return w.panicAt(it, in.v.Pos, "kernel.Item."+itemMethods[k]+": dimension "+strconv.FormatInt(d, 10)+" out of range; use 0, 1 or 2")
		}
		l := w.l
		var r int
		switch k {
		case GlobalID:
			r = it.id[d]
		case LocalID:
			r = it.lid[d]
		case GroupID:
			r = w.gid[d]
		case GlobalSize:
			r = l.global[d]
		case LocalSize:
			r = l.local[d]
		case NumGroups:
			r = l.groups[d]
		}
		vals[in.dst] = ival{x: int64(r)}
		return 0
	}
	var args [3]int64
	for i, s := range in.a {
		args[i] = vals[s].x
	}
	r, ok := EvalIntrinsic(k, in.bt, args[:len(in.a)])
	if !ok {
		panic(fmt.Sprintf("intrinsic %v of %v did not evaluate", k, in.bt))
	}
	vals[in.dst] = ival{x: r}
	return 0
}

// atomic runs an OpAtomic with sync/atomic, and for floats as package kernel's float atomics do.
// Load, store, swap and cas of a float act on its bits (cas compares bits: -0 is not +0, a NaN
// equals itself); min and max are also run on integers, by their type's signedness.
func (w *worker) atomic(it *witem, vals []ival, in *iinstr) ievent {
	p := vals[in.a[0]].p
	if p == nil {
		return w.panicAt(it, in.v.Pos, nilMessage)
	}
	op := in.v.AtomicOp()
	var x, y ival
	if len(in.a) > 1 {
		x = vals[in.a[1]]
	}
	if len(in.a) > 2 {
		y = vals[in.a[2]]
	}
	var r ival
	if in.elem.tkind == kPointer {
		pp := (*unsafe.Pointer)(p)
		switch op {
		case AtomicLoad:
			r.p = atomic.LoadPointer(pp)
		case AtomicStore:
			atomic.StorePointer(pp, x.p)
		case AtomicSwap:
			r.p = atomic.SwapPointer(pp, x.p)
		case AtomicCAS:
			r.x = b2i(atomic.CompareAndSwapPointer(pp, x.p, y.p))
		}
	} else {
		switch bt := in.bt; bt.Kind {
		case Int32, Uint32, Float32:
			r.x = atomic32(op, bt, (*uint32)(p), uint32(x.x), uint32(y.x))
		default:
			r.x = atomic64(op, bt, (*uint64)(p), uint64(x.x), uint64(y.x))
		}
	}
	if in.dst >= 0 {
		vals[in.dst] = r
	}
	return 0
}

// atomic32 runs atomic op on the 32-bit scalar of type bt at p and returns its result's bits.
func atomic32(op AtomicOp, bt *Basic, p *uint32, x, y uint32) int64 {
	ret := func(u uint32) int64 { return ConstBits(bt, int64(u)) }
	if bt.Kind == Float32 {
		ret = func(u uint32) int64 { return int64(u) }
	}
	switch op {
	case AtomicLoad:
		return ret(atomic.LoadUint32(p))
	case AtomicStore:
		atomic.StoreUint32(p, x)
		return 0
	case AtomicSwap:
		return ret(atomic.SwapUint32(p, x))
	case AtomicCAS:
		return b2i(atomic.CompareAndSwapUint32(p, x, y))
	case AtomicAnd:
		return ret(atomic.AndUint32(p, x))
	case AtomicOr:
		return ret(atomic.OrUint32(p, x))
	case AtomicAdd:
		if bt.Kind != Float32 {
			return ret(atomic.AddUint32(p, x))
		}
		for {
			old := atomic.LoadUint32(p)
			n := math.Float32bits(math.Float32frombits(old) + math.Float32frombits(x))
			if atomic.CompareAndSwapUint32(p, old, n) {
				return ret(n)
			}
		}
	}
	// min and max: a compare-and-swap loop, which leaves memory alone when it holds the result.
	for {
		old := atomic.LoadUint32(p)
		r, _ := EvalBinary(minMaxOp(op), bt, ret(old), ret(x))
		n := uint32(r)
		if n == old || atomic.CompareAndSwapUint32(p, old, n) {
			return ret(old)
		}
	}
}

// atomic64 runs atomic op on the 64-bit scalar of type bt at p and returns its result's bits.
func atomic64(op AtomicOp, bt *Basic, p *uint64, x, y uint64) int64 {
	switch op {
	case AtomicLoad:
		return int64(atomic.LoadUint64(p))
	case AtomicStore:
		atomic.StoreUint64(p, x)
		return 0
	case AtomicSwap:
		return int64(atomic.SwapUint64(p, x))
	case AtomicCAS:
		return b2i(atomic.CompareAndSwapUint64(p, x, y))
	case AtomicAnd:
		return int64(atomic.AndUint64(p, x))
	case AtomicOr:
		return int64(atomic.OrUint64(p, x))
	case AtomicAdd:
		if bt.Kind != Float64 {
			return int64(atomic.AddUint64(p, x))
		}
		for {
			old := atomic.LoadUint64(p)
			n := math.Float64bits(math.Float64frombits(old) + math.Float64frombits(x))
			if atomic.CompareAndSwapUint64(p, old, n) {
				return int64(n)
			}
		}
	}
	for {
		old := atomic.LoadUint64(p)
		r, _ := EvalBinary(minMaxOp(op), bt, int64(old), int64(x))
		n := uint64(r)
		if n == old || atomic.CompareAndSwapUint64(p, old, n) {
			return int64(old)
		}
	}
}

// minMaxOp is the binary op of atomic min or max.
func minMaxOp(op AtomicOp) Op {
	if op == AtomicMin {
		return OpMin
	}
	return OpMax
}
