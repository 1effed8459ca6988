package cuda

import "runtime"

// pinner pins Go memory whose address the driver reads or writes during a call (the cgo rules'
// requirement that it neither moves nor is freed meanwhile).
type pinner struct{ p runtime.Pinner }

func (p *pinner) pin(ptrs ...any) {
	for _, x := range ptrs {
		p.p.Pin(x)
	}
}

func (p *pinner) unpin() { p.p.Unpin() }
