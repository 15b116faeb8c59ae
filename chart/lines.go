package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Style is how a series is drawn.
type Style int

const (
	Line       Style = iota // solid line
	Dashed                  // dashed line
	Points                  // markers only
	LinePoints              // solid line with markers
	Steps                   // right-continuous step function (survival curves)
)

// Series is one named curve. Points where x or y is NaN or infinite are
// left out. Lower and Upper, when set, are a confidence band drawn as a
// translucent area in the series' colour.
type Series struct {
	Name         string
	X, Y         []float64
	Style        Style
	Lower, Upper []float64
	// Color, when not nil, is the palette index of the series' colour, so
	// that two series (an estimate and its truth, say) can share one;
	// nil gives the series the colour of its position.
	Color *int
}

// Marker is a labelled vertical reference line at X.
type Marker struct {
	X     float64
	Label string
}

// Lines is a line chart: series, reference lines and an optional numbers
// table under the x axis.
type Lines struct {
	Title, XLabel, YLabel string
	Series                []Series
	Markers               []Marker
	Diagonal              bool    // draw the y = x reference line and put both axes on [0, 1] (calibration plots)
	YMin, YMax            float64 // fixed y range when YMin < YMax
	ZeroY                 bool    // extend the y range down to 0
	Legend                Corner  // where the legend goes
	Table                 *NumbersTable
}

// Corner places a legend inside the data area.
type Corner int

// The corners of the data area, clockwise from the top right.
const (
	TopRight Corner = iota
	TopLeft
	BottomLeft
	BottomRight
)

// Figure builds the chart; it keeps none of c's slices. Without a Table,
// the Figure's Plot is all of it.
// It returns an error for no series, a series without a finite point, x
// and y (or band limits) of different lengths, a NaN marker, or a table
// that does not match its X.
func (c Lines) Figure() (*Figure, error) {
	if len(c.Series) == 0 {
		return nil, fmt.Errorf("chart %q: no series", c.Title)
	}
	p, err := c.plot()
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", c.Title, err)
	}
	f := &Figure{Plot: p}
	if c.Table != nil {
		if err := c.Table.check(); err != nil {
			return nil, fmt.Errorf("chart %q: %w", c.Title, err)
		}
		f.Table = c.Table.clone()
	}
	return f, nil
}

func (c Lines) plot() (*plot.Plot, error) {
	p := newPlot(c.Title, c.XLabel, c.YLabel)
	p.Add(plotter.NewGrid())
	p.Legend.Top = c.Legend == TopRight || c.Legend == TopLeft
	p.Legend.Left = c.Legend == TopLeft || c.Legend == BottomLeft
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), -vg.Points(6)
	if p.Legend.Left {
		p.Legend.XOffs = vg.Points(8)
	}
	if !p.Legend.Top {
		p.Legend.YOffs = vg.Points(8)
	}
	if c.Diagonal {
		if err := addDiagonal(p); err != nil {
			return nil, err
		}
	}
	for i, s := range c.Series {
		col := i
		if s.Color != nil {
			col = *s.Color
		}
		if err := addSeries(p, s, Color(col)); err != nil {
			return nil, fmt.Errorf("series %q: %w", s.Name, err)
		}
	}
	for _, m := range c.Markers {
		if !isFinite(m.X) {
			return nil, fmt.Errorf("marker %q: x is %v", m.Label, m.X)
		}
		p.Add(vline{m})
	}
	if c.YMin < c.YMax {
		p.Y.Min, p.Y.Max = c.YMin, c.YMax
	}
	if c.ZeroY {
		p.Y.Min = math.Min(p.Y.Min, 0)
	}
	return p, nil
}

func addDiagonal(p *plot.Plot) error {
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return err
	}
	l.Color = color.Gray{Y: 150}
	l.Dashes = []vg.Length{vg.Points(2), vg.Points(3)}
	p.Add(l)
	p.Legend.Add("perfect calibration", l)
	return nil
}

func addSeries(p *plot.Plot, s Series, col color.RGBA) error {
	xys, err := points(s.X, s.Y)
	if err != nil {
		return err
	}
	if s.Lower != nil {
		if err := addBand(p, s, col); err != nil {
			return err
		}
	}
	switch s.Style {
	case Points:
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.Color = col
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(3)
		p.Add(sc)
		p.Legend.Add(s.Name, sc)
		return nil
	case LinePoints:
		l, sc, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		l.Color, l.Width = col, vg.Points(1.5)
		sc.Color, sc.Shape, sc.Radius = col, draw.CircleGlyph{}, vg.Points(3)
		p.Add(l, sc)
		p.Legend.Add(s.Name, l, sc)
		return nil
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color, l.Width = col, vg.Points(1.5)
	switch s.Style {
	case Dashed:
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
	case Steps:
		l.StepStyle = plotter.PostStep
	}
	p.Add(l)
	p.Legend.Add(s.Name, l)
	return nil
}

// addBand fills the area between Lower and Upper, as steps for a step
// series. A point where either limit is NaN or infinite ends the band.
func addBand(p *plot.Plot, s Series, col color.RGBA) error {
	if len(s.Lower) != len(s.X) || len(s.Upper) != len(s.X) {
		return errors.New("band limits and X differ in length")
	}
	var lower, upper plotter.XYs
	for i, x := range s.X {
		lo, hi := s.Lower[i], s.Upper[i]
		if !isFinite(lo) || !isFinite(hi) {
			break
		}
		if s.Style == Steps && i > 0 {
			lower = append(lower, plotter.XY{X: x, Y: lower[len(lower)-1].Y})
			upper = append(upper, plotter.XY{X: x, Y: upper[len(upper)-1].Y})
		}
		lower = append(lower, plotter.XY{X: x, Y: lo})
		upper = append(upper, plotter.XY{X: x, Y: hi})
	}
	if len(lower) < 2 {
		return nil
	}
	ring := append(lower, reversed(upper)...)
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return err
	}
	poly.Color = color.NRGBA{R: col.R, G: col.G, B: col.B, A: 45}
	poly.LineStyle = draw.LineStyle{} // no outline
	p.Add(poly)
	return nil
}

// vline draws a vertical reference line across the whole data area with its
// label at the top.
type vline struct{ Marker }

func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	x, _ := p.Transforms(&c)
	xc := x(v.X)
	sty := draw.LineStyle{Color: color.Gray{Y: 110}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	c.StrokeLine2(sty, xc, c.Min.Y, xc, c.Max.Y)
	ts := p.X.Tick.Label
	ts.XAlign = draw.XLeft
	ts.YAlign = draw.YTop
	c.FillText(ts, vg.Point{X: xc + vg.Points(3), Y: c.Max.Y - vg.Points(3)}, v.Label)
}

// DataRange covers the line's x only: the empty y range (+Inf, −Inf)
// leaves the plot's y range to the data.
func (v vline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return v.X, v.X, math.Inf(1), math.Inf(-1)
}

func points(x, y []float64) (plotter.XYs, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("%d x values but %d y values", len(x), len(y))
	}
	xys := make(plotter.XYs, 0, len(x))
	for i := range x {
		if !isFinite(x[i]) || !isFinite(y[i]) {
			continue
		}
		xys = append(xys, plotter.XY{X: x[i], Y: y[i]})
	}
	if len(xys) == 0 {
		return nil, errors.New("no finite points")
	}
	return xys, nil
}

func reversed(xys plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(xys))
	for i, v := range xys {
		out[len(xys)-1-i] = v
	}
	return out
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
