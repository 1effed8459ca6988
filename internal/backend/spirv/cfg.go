package spirv

import (
	"sort"

	"github.com/geobacter-go/geobacter/internal/ir"
)

// Structured control flow. The IR's CFG is turned into SPIR-V's structured selections and loops
// by the translation of Ramsey ("Beyond Relooper: recursive translation of unstructured control
// flow to structured control flow", ICFP 2022), which walks the dominator tree of a reducible
// CFG:
//
//   - a block X is emitted with, around it, one construct for each of its dominator-tree
//     children that is a merge node (a block with two or more forward in-edges), the latest in
//     reverse postorder outermost; after each construct comes that child's own translation. A
//     construct is a selection headed by an OpSwitch on a constant with only a default, so that
//     a branch to the child from inside any depth of if-selections is a branch to the merge
//     block of the nearest enclosing switch, which SPIR-V allows (see frame);
//   - a loop header gets a loop construct around all that: a header block with OpLoopMerge, a
//     continue block that only branches back, and a merge block. The header's dominator-tree
//     children outside the loop (the code after it) get block frames around the loop, so that
//     they are translated after it rather than inside it (as Ramsey's Wasm translation may). A
//     back edge is a branch to the continue block; a branch from inside the loop to a block outside it (to an enclosing
//     selection's merge, or the continue block of an outer loop) stores the exit's number in a
//     Function variable and branches to the loop's merge block, which dispatches on it;
//   - any other successor is a block with one forward in-edge: its translation follows in line;
//   - a conditional branch whose two targets are both in line gets a selection whose merge is
//     an unreachable block (every path out of it leaves by a branch or a return).
//
// SPIR-V lets an if-selection exit only to its own merge block, the nearest enclosing switch's
// and the innermost loop's merge and continue blocks, a switch to its own merge and the innermost
// loop's, and a loop only to its own merge and continue blocks; the translation keeps to that,
// taking any other exit through exit variables and the merge blocks' dispatch. A phi is a Function variable that each predecessor stores to before its branch, and a
// value used in another block than its own is kept in a Function variable too, so that the
// synthesised blocks and edges, which change dominance, cannot invalidate a use (the driver's
// compiler promotes the variables back to registers). An irreducible CFG is refused.

// cfg is the analysis of a function's CFG.
type cfg struct {
	order      []*ir.Block // reverse postorder of the reachable blocks
	rpo        map[*ir.Block]int
	idom       map[*ir.Block]*ir.Block
	children   map[*ir.Block][]*ir.Block // dominator tree, in reverse postorder
	loopHeader map[*ir.Block]bool
	fwdPreds   map[*ir.Block]int                // forward in-edges
	body       map[*ir.Block]map[*ir.Block]bool // a loop header's natural loop
	// follow marks the dominator-tree children of a loop header outside its loop: they are
	// translated after the loop, and branched to like merge nodes.
	follow      map[*ir.Block]bool
	irreducible *ir.Block // a block entered by a retreating edge it does not dominate
}

func buildCFG(f *ir.Func) *cfg {
	c := &cfg{rpo: map[*ir.Block]int{}, idom: map[*ir.Block]*ir.Block{}, children: map[*ir.Block][]*ir.Block{},
		loopHeader: map[*ir.Block]bool{}, fwdPreds: map[*ir.Block]int{}, body: map[*ir.Block]map[*ir.Block]bool{},
		follow: map[*ir.Block]bool{}}
	seen := map[*ir.Block]bool{}
	var post []*ir.Block
	var visit func(b *ir.Block)
	visit = func(b *ir.Block) {
		seen[b] = true
		for _, s := range b.Succs {
			if !seen[s] {
				visit(s)
			}
		}
		post = append(post, b)
	}
	visit(f.Entry())
	for i := len(post) - 1; i >= 0; i-- {
		c.rpo[post[i]] = len(c.order)
		c.order = append(c.order, post[i])
	}
	// Dominators: Cooper, Harvey and Kennedy's iteration.
	entry := f.Entry()
	c.idom[entry] = entry
	for changed := true; changed; {
		changed = false
		for _, b := range c.order[1:] {
			var nd *ir.Block
			for _, p := range b.Preds {
				if _, ok := c.rpo[p]; !ok || c.idom[p] == nil {
					continue
				}
				if nd == nil {
					nd = p
				} else {
					nd = c.intersect(p, nd)
				}
			}
			if c.idom[b] != nd {
				c.idom[b] = nd
				changed = true
			}
		}
	}
	for _, b := range c.order[1:] {
		p := c.idom[b]
		c.children[p] = append(c.children[p], b)
	}
	for _, b := range c.order {
		for _, s := range b.Succs {
			if c.rpo[s] <= c.rpo[b] {
				if !c.dominates(s, b) && c.irreducible == nil {
					c.irreducible = s
				}
				c.loopHeader[s] = true
			} else {
				c.fwdPreds[s]++
			}
		}
	}
	// Natural loops: the blocks that reach a back edge without passing through the header.
	for _, h := range c.order {
		if !c.loopHeader[h] {
			continue
		}
		in := map[*ir.Block]bool{h: true}
		var work []*ir.Block
		for _, p := range h.Preds {
			if _, ok := c.rpo[p]; ok && c.backward(p, h) && !in[p] {
				in[p] = true
				work = append(work, p)
			}
		}
		for len(work) > 0 {
			b := work[len(work)-1]
			work = work[:len(work)-1]
			for _, p := range b.Preds {
				if _, ok := c.rpo[p]; ok && !in[p] {
					in[p] = true
					work = append(work, p)
				}
			}
		}
		c.body[h] = in
		for _, ch := range c.children[h] {
			if !in[ch] {
				c.follow[ch] = true
			}
		}
	}
	return c
}

func (c *cfg) intersect(a, b *ir.Block) *ir.Block {
	for a != b {
		for c.rpo[a] > c.rpo[b] {
			a = c.idom[a]
		}
		for c.rpo[b] > c.rpo[a] {
			b = c.idom[b]
		}
	}
	return a
}

// dominates reports whether a dominates b.
func (c *cfg) dominates(a, b *ir.Block) bool {
	for {
		if a == b {
			return true
		}
		p := c.idom[b]
		if p == b || p == nil {
			return false
		}
		b = p
	}
}

func (c *cfg) isMerge(b *ir.Block) bool { return c.fwdPreds[b] >= 2 }

func (c *cfg) backward(from, to *ir.Block) bool { return c.rpo[to] <= c.rpo[from] }

// The context of the translation: the enclosing constructs, innermost last.
//
// A block frame stands for a merge node y that follows the code inside it: a selection headed
// by OpSwitch on a constant with only a default (SPIR-V lets a selection nested inside exit to
// the nearest enclosing switch's merge block, and no further); its merge block dispatches on the
// frame's exit variable (set by the exits that leave it for targets further out) and otherwise
// goes on to y. A loop frame is a loop construct; its exits always set its exit variable.
type frame struct {
	follow  *ir.Block // a block frame's merge node
	loop    *ir.Block // a loop frame's header
	merge   uint32    // the construct's merge block
	cont    uint32    // a loop's continue block
	exits   []target  // the targets further out of the exits from inside
	exitVar uint32
	hdr     *block // a block frame's header, where its exit variable is cleared
}

// target is where a branch goes: the first block of a merge node, or a loop's continue block.
type target struct {
	block     *ir.Block
	continue_ bool
}

// doTree translates block x and the blocks it dominates; the current SPIR-V block is x's first
// (labelled e.entry[x]) and empty.
func (e *emitter) doTree(x *ir.Block, ctx []*frame) {
	var merges, outside []*ir.Block
	for _, ch := range e.cfg.children[x] {
		switch {
		case e.cfg.follow[ch]:
			outside = append(outside, ch)
		case e.cfg.isMerge(ch):
			merges = append(merges, ch)
		}
	}
	byRPO := func(bs []*ir.Block) {
		sort.Slice(bs, func(i, j int) bool { return e.cfg.rpo[bs[i]] > e.cfg.rpo[bs[j]] })
	}
	byRPO(merges)
	byRPO(outside)
	if !e.cfg.loopHeader[x] {
		e.nodeWithin(x, merges, ctx)
		return
	}
	// The loop, inside block frames for the blocks that follow it.
	e.withBlocks(outside, ctx, func(ctx []*frame) {
		m := e.m
		l := &frame{loop: x, merge: m.id(), cont: m.id()}
		head, body := m.id(), m.id()
		e.fn.emit(OpBranch, head)
		e.fn.label(head)
		e.fn.emit(OpLoopMerge, l.merge, l.cont, uint32(LoopControlNone))
		e.fn.emit(OpBranch, body)
		e.fn.label(body)
		e.nodeWithin(x, merges, append(ctx[:len(ctx):len(ctx)], l))
		e.fn.label(l.cont)
		e.fn.emit(OpBranch, head)
		e.fn.label(l.merge)
		e.dispatch(l, ctx)
	})
}

// withBlocks emits inner inside block frames for ys (outermost first), each followed by the
// translation of its block.
func (e *emitter) withBlocks(ys []*ir.Block, ctx []*frame, inner func(ctx []*frame)) {
	if len(ys) == 0 {
		inner(ctx)
		return
	}
	m := e.m
	y := ys[0]
	in := m.id()
	b := &frame{follow: y, merge: m.id(), hdr: e.fn.cur}
	e.fn.emit(OpSelectionMerge, b.merge, uint32(SelectionControlNone))
	e.fn.emit(OpSwitch, m.constU32(0), in)
	e.fn.label(in)
	e.withBlocks(ys[1:], append(ctx[:len(ctx):len(ctx)], b), inner)
	e.fn.label(b.merge)
	e.dispatch(b, ctx)
	e.fn.label(e.entry[y])
	e.doTree(y, ctx)
}

// dispatch emits the rest of the merge block of frame l: a branch to the exit taken.
func (e *emitter) dispatch(l *frame, ctx []*frame) {
	m := e.m
	var v uint32
	if len(l.exits) > 0 {
		v = e.fn.op(OpLoad, m.intType(32), l.exitVar)
	}
	if l.follow != nil {
		// Exit 0 is the normal one, to the merge node.
		var from func(i int)
		from = func(i int) {
			if i == len(l.exits) {
				e.fn.emit(OpBranch, e.entry[l.follow])
				return
			}
			c := e.fn.op(OpIEqual, m.boolType(), v, m.constU32(uint32(i+1)))
			e.condBranch(c, e.targetArm(l.exits[i], ctx), arm{code: func() { from(i + 1) }})
		}
		from(0)
		return
	}
	switch len(l.exits) {
	case 0:
		e.fn.emit(OpUnreachable)
		return
	case 1:
		e.jumpTo(l.exits[0], ctx)
		return
	}
	var from func(i int)
	from = func(i int) {
		if i == len(l.exits)-1 {
			e.jumpTo(l.exits[i], ctx)
			return
		}
		c := e.fn.op(OpIEqual, m.boolType(), v, m.constU32(uint32(i)))
		e.condBranch(c, e.targetArm(l.exits[i], ctx), arm{code: func() { from(i + 1) }})
	}
	from(0)
}

// nodeWithin translates x inside block frames for its merge children ys (outermost first).
func (e *emitter) nodeWithin(x *ir.Block, ys []*ir.Block, ctx []*frame) {
	e.withBlocks(ys, ctx, func(ctx []*frame) { e.blockBody(x, ctx) })
}

// arm is one side of a conditional branch: a label to branch to directly (exit says it is the
// merge or continue block of an enclosing construct), or code to emit in a new block (labelled
// label, or a new id when label is 0).
type arm struct {
	direct uint32
	exit   bool
	label  uint32
	code   func()
}

// condBranch ends the current block with a conditional branch on c, with a selection whose
// merge is unreachable when neither arm is an exit.
func (e *emitter) condBranch(c uint32, t, f arm) {
	m := e.m
	if t.direct != 0 && t.direct == f.direct {
		e.fn.emit(OpBranch, t.direct)
		return
	}
	lt, lf := t.direct, f.direct
	if lt == 0 {
		if t.label == 0 {
			t.label = m.id()
		}
		lt = t.label
	}
	if lf == 0 {
		if f.label == 0 {
			f.label = m.id()
		}
		lf = f.label
	}
	var u uint32
	if !t.exit && !f.exit {
		u = m.id()
		e.fn.emit(OpSelectionMerge, u, uint32(SelectionControlNone))
	}
	e.fn.emit(OpBranchConditional, c, lt, lf)
	if t.direct == 0 {
		e.fn.label(lt)
		t.code()
	}
	if f.direct == 0 {
		e.fn.label(lf)
		f.code()
	}
	if u != 0 {
		e.fn.label(u)
		e.fn.emit(OpUnreachable)
	}
}

// jumpTo ends the current block with a branch to t from inside the constructs ctx.
func (e *emitter) jumpTo(t target, ctx []*frame) {
	if l, ok := e.directLabel(t, ctx); ok {
		e.fn.emit(OpBranch, l)
		return
	}
	if len(ctx) == 0 {
		panic("geobacter: BUG: spirv: branch target not in context")
	}
	// Leave the innermost construct through its merge block.
	fr := ctx[len(ctx)-1]
	n := -1
	for j, x := range fr.exits {
		if x == t {
			n = j
		}
	}
	if n < 0 {
		n = len(fr.exits)
		fr.exits = append(fr.exits, t)
	}
	u32 := e.m.intType(32)
	if fr.exitVar == 0 {
		fr.exitVar = e.fn.variable(e.m.ptrType(StorageClassFunction, u32))
		if fr.hdr != nil {
			fr.hdr.body = append(inst(OpStore, fr.exitVar, e.m.constU32(0)), fr.hdr.body...)
		}
	}
	if fr.follow != nil {
		n++
	}
	e.fn.emit(OpStore, fr.exitVar, e.m.constU32(uint32(n)))
	e.fn.emit(OpBranch, fr.merge)
}

// directLabel returns the label a branch to t from inside ctx may go to directly: the merge
// block of the nearest enclosing block frame, or the continue block of the innermost loop.
func (e *emitter) directLabel(t target, ctx []*frame) (uint32, bool) {
	first := true
	for i := len(ctx) - 1; i >= 0; i-- {
		fr := ctx[i]
		if fr.loop != nil {
			if t.continue_ && fr.loop == t.block {
				return fr.cont, true
			}
			return 0, false
		}
		if first && !t.continue_ && fr.follow == t.block {
			return fr.merge, true
		}
		first = false
	}
	return 0, false
}

// targetArm is an arm that branches to t.
func (e *emitter) targetArm(t target, ctx []*frame) arm {
	if l, ok := e.directLabel(t, ctx); ok {
		return arm{direct: l, exit: true}
	}
	return arm{code: func() { e.jumpTo(t, ctx) }}
}

// edgeArm is an arm for the CFG edge from x to its successor number i.
func (e *emitter) edgeArm(x *ir.Block, i int, ctx []*frame) arm {
	y := x.Succs[i]
	stores := hasPhis(y)
	if e.cfg.backward(x, y) || e.cfg.isMerge(y) || e.cfg.follow[y] {
		t := target{block: y, continue_: e.cfg.backward(x, y)}
		if !stores {
			return e.targetArm(t, ctx)
		}
		return arm{code: func() {
			e.phiStores(x, i)
			e.jumpTo(t, ctx)
		}}
	}
	// A block with one forward in-edge: its translation follows in line.
	if !stores {
		return arm{label: e.entry[y], code: func() { e.doTree(y, ctx) }}
	}
	return arm{code: func() {
		e.phiStores(x, i)
		e.fn.emit(OpBranch, e.entry[y])
		e.fn.label(e.entry[y])
		e.doTree(y, ctx)
	}}
}

// edge ends the current block with the CFG edge from x to its successor number i.
func (e *emitter) edge(x *ir.Block, i int, ctx []*frame) {
	a := e.edgeArm(x, i, ctx)
	if a.direct != 0 {
		e.fn.emit(OpBranch, a.direct)
		return
	}
	if a.label == 0 {
		a.code()
		return
	}
	e.fn.emit(OpBranch, a.label)
	e.fn.label(a.label)
	a.code()
}

func hasPhis(b *ir.Block) bool {
	return len(b.Instrs) > 0 && b.Instrs[0].Op == ir.OpPhi
}
