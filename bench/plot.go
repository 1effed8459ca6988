package bench

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// WritePlot writes the report as an SVG bar chart: for each benchmark a group of bars, one per
// implementation, giving its speed relative to serial Go (time(serial Go)/time(implementation))
// on a logarithmic axis. Bars above the ×1 line are faster than serial Go, bars below slower;
// a missing bar is an implementation that did not run or failed.
func (r *Report) WritePlot(w io.Writer) error {
	if len(r.Benchmarks) == 0 {
		return errNoResults
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("geobacter bench (%s): speed relative to serial Go, log scale", r.Size)
	if r.Environment.CPU != "" {
		p.Title.Text += fmt.Sprintf("\n%s, GOMAXPROCS %d", r.Environment.CPU, r.Environment.GOMAXPROCS)
	}
	p.Y.Label.Text = "time(serial Go) / time(implementation)"

	var names []string
	for _, b := range r.Benchmarks {
		names = append(names, b.Name)
	}
	p.NominalX(names...)

	var impls []string
	for _, impl := range append(append([]string{}, r.Devices...), r.References...) {
		if impl != RefSerial {
			impls = append(impls, impl)
		}
	}
	// The bars of a group share 80% of the room of one benchmark; the room is what is left of
	// the plot's width after the axis, shared by the groups.
	const width, height = 11 * vg.Inch, 5.5 * vg.Inch
	barWidth := (width - vg.Inch) / vg.Length(len(names)) * 0.8 / vg.Length(max(1, len(impls)))

	p.Add(plotter.NewGrid())
	lo, hi := 0.0, 0.0
	for k, impl := range impls {
		values := make(plotter.Values, len(r.Benchmarks))
		for i, b := range r.Benchmarks {
			ts, ti := b.median(RefSerial), b.median(impl)
			if ts > 0 && ti > 0 {
				values[i] = math.Log10(float64(ts) / float64(ti))
				lo, hi = min(lo, values[i]), max(hi, values[i])
			}
		}
		bars, err := plotter.NewBarChart(values, barWidth)
		if err != nil {
			return err
		}
		bars.Offset = vg.Length(float64(k)-float64(len(impls)-1)/2) * barWidth
		bars.Color = plotutil.Color(k)
		bars.LineStyle.Width = 0
		p.Add(bars)
		p.Legend.Add(impl, bars)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Y.Min = math.Floor(lo)
	p.Y.Max = math.Ceil(hi) + 0.5 // room for the legend
	p.Y.Tick.Marker = plot.TickerFunc(logTicks)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5

	wt, err := p.WriterTo(width, height, "svg")
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

// logTicks are the ticks of an axis that holds log10 of a ratio: labelled ticks at the powers of
// ten (×0.1, ×1, ×10, ...) and unlabelled ones at 2 and 5 times them.
func logTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(lo); e <= math.Ceil(hi); e++ {
		ticks = append(ticks, plot.Tick{Value: e, Label: "×" + fmt.Sprint(math.Pow(10, e))})
		for _, m := range []float64{2, 5} {
			if v := e + math.Log10(m); v <= hi {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	return ticks
}
