package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heat is a heat map of Z over a grid. Row i of Z is drawn at height Y[i]
// and column j at X[j] (cell centres, evenly spaced). With RowNames the rows
// are instead labelled by name and drawn top to bottom, as in a table.
// NaN cells are left white. Y is ignored when RowNames is set.
type Heat struct {
	Title, XLabel, YLabel string
	ZLabel                string // the colour bar's label, with units
	X, Y                  []float64
	RowNames              []string
	Z                     [][]float64
	Min, Max              float64 // colour range; the data's range when Min == Max
	CellFormat            string  // fmt verb to print each cell's value, e.g. "%.0f"; "" prints nothing
}

// Figure builds the heat map with its colour bar; it keeps none of h's
// slices. It returns an error for
// an empty or ragged Z, X or Y (or RowNames) that do not match it, a NaN
// colour range, or Min > Max.
func (h Heat) Figure() (*Figure, error) {
	if err := h.check(); err != nil {
		return nil, fmt.Errorf("heat map %q: %w", h.Title, err)
	}
	cm, err := colorMap()
	if err != nil {
		return nil, err
	}
	// The heat map reads its grid when drawn: give it copies.
	h.X, h.Y, h.RowNames = slices.Clone(h.X), slices.Clone(h.Y), slices.Clone(h.RowNames)
	h.Z = slices.Clone(h.Z)
	for i := range h.Z {
		h.Z[i] = slices.Clone(h.Z[i])
	}
	g := grid{h}
	lo, hi := h.Min, h.Max
	if lo == hi {
		lo, hi = g.zRange()
		if lo == hi {
			hi = lo + 1
		}
	}
	cm.SetMin(lo)
	cm.SetMax(hi)

	p := newPlot(h.Title, h.XLabel, h.YLabel)
	hm := plotter.NewHeatMap(g, cm.Palette(256))
	hm.Min, hm.Max = lo, hi
	hm.NaN = color.White
	hm.Underflow, hm.Overflow = hm.Palette.Colors()[0], hm.Palette.Colors()[255]
	p.Add(hm)
	if h.RowNames != nil {
		p.NominalY(reversedNames(h.RowNames)...)
		p.Y.Tick.Label.Font.Size = vg.Points(9)
	}
	if h.CellFormat != "" {
		labels, err := h.cellLabels(g, lo, hi)
		if err != nil {
			return nil, err
		}
		p.Add(labels)
	}

	bar := plot.New()
	bar.Title.Text = h.ZLabel
	bar.Title.TextStyle.Font.Size = vg.Points(10)
	bar.HideX()
	bar.Y.Tick.Marker = niceTicks{}
	bar.Y.Padding = 0
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	return &Figure{Plot: p, ColorBar: bar}, nil
}

func (h Heat) check() error {
	switch {
	case len(h.Z) == 0 || len(h.Z[0]) == 0:
		return errors.New("no cells")
	case len(h.X) != len(h.Z[0]):
		return fmt.Errorf("%d x values for %d columns", len(h.X), len(h.Z[0]))
	case h.RowNames != nil && len(h.RowNames) != len(h.Z):
		return fmt.Errorf("%d row names for %d rows", len(h.RowNames), len(h.Z))
	case h.RowNames == nil && len(h.Y) != len(h.Z):
		return fmt.Errorf("%d y values for %d rows", len(h.Y), len(h.Z))
	case !isFinite(h.Min) || !isFinite(h.Max) || h.Min > h.Max:
		return fmt.Errorf("colour range [%v, %v]", h.Min, h.Max)
	}
	for i, row := range h.Z {
		if len(row) != len(h.X) {
			return fmt.Errorf("row %d has %d cells, want %d", i, len(row), len(h.X))
		}
	}
	return nil
}

// colorMap is ColorBrewer's sequential YlGnBu as a continuous map: light for
// low values, dark for high ones, monotone in luminance.
func colorMap() (palette.ColorMap, error) {
	pal, err := brewer.GetPalette(brewer.TypeSequential, "YlGnBu", 9)
	if err != nil {
		return nil, err
	}
	dark := slices.Clone(pal.Colors())
	slices.Reverse(dark) // NewLuminance wants luminance increasing
	cm, err := moreland.NewLuminance(dark)
	if err != nil {
		return nil, err
	}
	return palette.Reverse(cm), nil
}

// cellLabels prints every finite cell's value, dark on light cells and
// white on dark ones.
func (h Heat) cellLabels(g grid, lo, hi float64) (*plotter.Labels, error) {
	var xyl plotter.XYLabels
	var dark []bool
	cols, rows := g.Dims()
	for r := range rows {
		for c := range cols {
			z := g.Z(c, r)
			if !isFinite(z) {
				continue
			}
			xyl.XYs = append(xyl.XYs, plotter.XY{X: g.X(c), Y: g.Y(r)})
			xyl.Labels = append(xyl.Labels, fmt.Sprintf(h.CellFormat, z))
			dark = append(dark, (z-lo)/(hi-lo) > 0.55)
		}
	}
	labels, err := plotter.NewLabels(xyl)
	if err != nil {
		return nil, err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].XAlign = draw.XCenter
		labels.TextStyle[i].YAlign = draw.YCenter
		labels.TextStyle[i].Font.Size = vg.Points(8)
		if dark[i] {
			labels.TextStyle[i].Color = color.White
		}
	}
	return labels, nil
}

// grid adapts Heat to plotter.GridXYZ (columns c along X, rows r along Y).
type grid struct{ Heat }

func (g grid) Dims() (c, r int) { return len(g.Heat.Z[0]), len(g.Heat.Z) }

func (g grid) Z(c, r int) float64 {
	if g.RowNames != nil {
		r = len(g.Heat.Z) - 1 - r
	}
	return g.Heat.Z[r][c]
}

func (g grid) X(c int) float64 { return g.Heat.X[c] }

func (g grid) Y(r int) float64 {
	if g.RowNames != nil {
		return float64(r)
	}
	return g.Heat.Y[r]
}

func (g grid) zRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range g.Heat.Z {
		for _, z := range row {
			if isFinite(z) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	if lo > hi {
		return 0, 1
	}
	return lo, hi
}

func reversedNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[len(names)-1-i] = n
	}
	return out
}
