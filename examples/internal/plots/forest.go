package plots

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ForestRow is one term of a forest plot: an estimate with its interval
// and, when Truth is not NaN, the value it should recover. A NaN Estimate
// draws the interval alone (a tornado chart's bar).
type ForestRow struct {
	Name                   string
	Estimate, Lower, Upper float64
	Truth                  float64
}

// Forest is a forest plot: one row per term from the top, each estimate a
// point on its interval. The zero value plots ratios (hazard ratios, odds
// ratios) on a log x axis with a reference line at 1; Linear plots any
// quantity (values with their intervals, or a tornado chart's bars) on a
// linear axis, with the Reference line when it has a Label.
type Forest struct {
	Title, XLabel string
	Rows          []ForestRow
	Linear        bool
	Reference     Marker    // Linear only: a vertical line, drawn when Label is set
	Legend        string    // the estimates' legend entry; "" means "estimate and 95% interval"
	BarWidth      vg.Length // width of the interval bars; 0 means 2 points
}

// Save draws f and writes it as a PNG to path.
func (f Forest) Save(path string) error {
	p, err := f.plot()
	if err != nil {
		return fmt.Errorf("plot %q: %w", f.Title, err)
	}
	return savePNG(path, p.Draw)
}

// valid reports whether row r can be drawn on f's axis.
func (f Forest) valid(r ForestRow) bool {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if f.Linear {
		return finite(r.Lower) && finite(r.Upper) && r.Upper >= r.Lower && !math.IsInf(r.Estimate, 0)
	}
	return r.Lower > 0 && r.Upper >= r.Lower && r.Estimate > 0 && !math.IsInf(r.Upper, 1)
}

func (f Forest) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = f.Title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.X.Label.Text = f.XLabel
	if !f.Linear {
		p.X.Scale = plot.LogScale{}
	}
	p.Add(plotter.NewGrid())
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), vg.Points(8) // bottom right
	width := f.BarWidth
	if width == 0 {
		width = vg.Points(2)
	}
	legend := f.Legend
	if legend == "" {
		legend = "estimate and 95% interval"
	}
	ref := Marker{X: 1, Label: "no effect"}
	if f.Linear {
		ref = f.Reference
	}

	n := len(f.Rows)
	lo, hi := math.Inf(1), math.Inf(-1)
	if ref.Label != "" {
		lo, hi = ref.X, ref.X
	}
	var est, truth plotter.XYs
	var names []plot.Tick
	for i, r := range f.Rows {
		if !f.valid(r) {
			if f.Linear {
				return nil, fmt.Errorf("row %q: want finite lower ≤ upper", r.Name)
			}
			return nil, fmt.Errorf("row %q: want 0 < lower ≤ upper < ∞ and an estimate > 0", r.Name)
		}
		y := float64(n - i) // the first row at the top
		names = append(names, plot.Tick{Value: y, Label: r.Name})
		l, err := plotter.NewLine(plotter.XYs{{X: r.Lower, Y: y}, {X: r.Upper, Y: y}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = Color(0), width
		p.Add(l)
		if !math.IsNaN(r.Estimate) {
			est = append(est, plotter.XY{X: r.Estimate, Y: y})
		}
		lo, hi = math.Min(lo, r.Lower), math.Max(hi, r.Upper)
		if !math.IsNaN(r.Truth) {
			truth = append(truth, plotter.XY{X: r.Truth, Y: y})
			lo, hi = math.Min(lo, r.Truth), math.Max(hi, r.Truth)
		}
	}
	if err := addPoints(p, est, legend, 0, draw.BoxGlyph{}, vg.Points(4)); err != nil {
		return nil, err
	}
	if err := addPoints(p, truth, "true value", 2, draw.CrossGlyph{}, vg.Points(5)); err != nil {
		return nil, err
	}
	if ref.Label != "" {
		p.Add(vline{ref})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(names)
	p.Y.Min, p.Y.Max = 0.4, float64(n)+0.9
	if f.Linear {
		pad := 0.05 * (hi - lo)
		p.X.Min, p.X.Max = lo-pad, hi+pad
		p.X.Tick.Marker = niceTicks{}
	} else {
		p.X.Min, p.X.Max = lo/1.15, hi*1.15
		p.X.Tick.Marker = ratioTicks{}
	}
	return p, nil
}

// addPoints adds the points xys, if any, in Color(col) with a legend entry.
func addPoints(p *plot.Plot, xys plotter.XYs, legend string, col int, shape draw.GlyphDrawer, radius vg.Length) error {
	if len(xys) == 0 {
		return nil
	}
	sc, err := plotter.NewScatter(xys)
	if err != nil {
		return err
	}
	sc.Color, sc.Shape, sc.Radius = Color(col), shape, radius
	p.Add(sc)
	p.Legend.Add(legend, sc)
	return nil
}

// ratioTicks labels a log axis of ratios at round values (0.25, 0.5,
// 0.75, 1, 1.5, 2, …) that fall in range.
type ratioTicks struct{}

func (ratioTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, v := range []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.75, 1, 1.25, 1.5, 2, 3, 4, 5, 10, 20, 50, 100} {
		if v >= lo && v <= hi {
			ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
		}
	}
	return ticks
}
