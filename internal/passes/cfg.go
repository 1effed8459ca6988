package passes

import "github.com/geobacter-go/geobacter/internal/ir"

// cleanCFG simplifies f's control flow until nothing changes:
//
//   - an if whose two successors are one block, with the same phi operands for both edges,
//     becomes a jump;
//   - a block whose only predecessor ends in a jump to it is merged into that predecessor (its
//     phis, having one operand, become that operand);
//   - a block that holds nothing but a jump is removed, its predecessors jumping to its successor
//     instead, unless one of them is already a predecessor of that successor and a phi there has
//     different operands for the two edges (it could not tell them apart any more).
//
// Unreachable blocks are removed first. The entry block stays the entry.
func cleanCFG(_ *state, f *ir.Func) error {
	removeUnreachable(f)
	for {
		changed := false
		for _, b := range f.Blocks {
			if b.Kind == ir.BlockIf && b.Succs[0] == b.Succs[1] && samePhiOperands(b) {
				removeSucc(b, 1)
				b.Kind, b.Controls = ir.BlockJump, nil
				changed = true
			}
		}
		for i := 1; i < len(f.Blocks); i++ {
			b := f.Blocks[i]
			if len(b.Preds) == 1 && b.Preds[0] != b && b.Preds[0].Kind == ir.BlockJump {
				mergeIntoPred(f, b)
				i--
				changed = true
			}
		}
		for i := 1; i < len(f.Blocks); i++ {
			b := f.Blocks[i]
			if len(b.Instrs) == 0 && b.Kind == ir.BlockJump && canBypass(b) {
				bypass(f, b)
				i--
				changed = true
			}
		}
		if !changed {
			return nil
		}
	}
}

// samePhiOperands reports whether b's two edges to its one successor carry the same phi operands.
func samePhiOperands(b *ir.Block) bool {
	s := b.Succs[0]
	i, j := predIndex(b, 0), predIndex(b, 1)
	for _, p := range phis(s) {
		if p.Args[i] != p.Args[j] {
			return false
		}
	}
	return true
}

// mergeIntoPred appends b, whose one predecessor ends in a jump to it, to that predecessor.
func mergeIntoPred(f *ir.Func, b *ir.Block) {
	p := b.Preds[0]
	r := replacer{}
	ps := phis(b)
	for _, phi := range ps {
		r[phi] = phi.Args[0]
	}
	for _, v := range b.Instrs[len(ps):] {
		v.Block = p
		p.Instrs = append(p.Instrs, v)
	}
	p.Kind, p.Controls, p.Succs, p.Msg, p.Pos = b.Kind, b.Controls, b.Succs, b.Msg, b.Pos
	for _, s := range b.Succs {
		replacePreds(s, b, p)
	}
	b.Instrs, b.Controls, b.Succs, b.Preds = nil, nil, nil, nil
	removeBlock(f, b)
	r.apply(f)
}

// canBypass reports whether the empty jump block b can be removed.
func canBypass(b *ir.Block) bool {
	s := b.Succs[0]
	if s == b || len(b.Preds) == 0 {
		return false
	}
	ps := phis(s)
	if len(ps) == 0 {
		return true
	}
	j := predIndex(b, 0)
	for _, p := range b.Preds {
		for i, q := range s.Preds {
			if p != q {
				continue
			}
			// p would reach s on two edges: fine only if every phi has one operand for both.
			for _, phi := range ps {
				if phi.Args[i] != phi.Args[j] {
					return false
				}
			}
		}
	}
	return true
}

// bypass removes the empty jump block b: its predecessors go to its successor directly, and the
// successor's phis take, for each of them, the operand they had for b.
func bypass(f *ir.Func, b *ir.Block) {
	s := b.Succs[0]
	j := predIndex(b, 0)
	preds := append([]*ir.Block(nil), s.Preds[:j]...)
	preds = append(preds, b.Preds...)
	preds = append(preds, s.Preds[j+1:]...)
	for _, phi := range phis(s) {
		a := phi.Args[j]
		args := append([]*ir.Value(nil), phi.Args[:j]...)
		for range b.Preds {
			args = append(args, a)
		}
		phi.Args = append(args, phi.Args[j+1:]...)
	}
	s.Preds = preds
	for _, p := range b.Preds {
		for k, t := range p.Succs {
			if t == b {
				p.Succs[k] = s
			}
		}
	}
	b.Succs, b.Preds = nil, nil
	removeBlock(f, b)
}

// removeBlock removes b from f.Blocks.
func removeBlock(f *ir.Func, b *ir.Block) {
	for i, c := range f.Blocks {
		if c == b {
			f.Blocks = append(f.Blocks[:i], f.Blocks[i+1:]...)
			return
		}
	}
}
