package chart

import (
	"errors"
	"image/color"
	"io"
	"slices"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure is a plot with what a *plot.Plot cannot carry: a numbers table
// under its x axis, or a colour bar at its right. It is drawn with Draw or
// saved with WriterTo.
type Figure struct {
	Plot     *plot.Plot
	Table    *NumbersTable // nil: none
	ColorBar *plot.Plot    // nil: none; spans the data area of Plot vertically
}

// NumbersTable is a table of numbers printed under the x axis, aligned with
// it: Rows[i][j] is shown at X[j] in the row named Names[i], in the colour
// of series i (the at-risk table of a survival plot).
type NumbersTable struct {
	Title string
	X     []float64
	Names []string
	Rows  [][]string
}

func (t *NumbersTable) check() error {
	if len(t.Names) != len(t.Rows) {
		return errors.New("numbers table: names and rows differ in length")
	}
	for i, row := range t.Rows {
		if len(row) != len(t.X) {
			return errors.New("numbers table: row " + t.Names[i] + " and X differ in length")
		}
	}
	return nil
}

func (t *NumbersTable) clone() *NumbersTable {
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = slices.Clone(r)
	}
	return &NumbersTable{Title: t.Title, X: slices.Clone(t.X), Names: slices.Clone(t.Names), Rows: rows}
}

// WriterTo returns an io.WriterTo that writes f as a w × h picture in
// format ("png", "svg", "pdf", … as plot.Plot.WriterTo).
func (f *Figure) WriterTo(w, h vg.Length, format string) (io.WriterTo, error) {
	if f == nil || f.Plot == nil {
		return nil, errors.New("chart: a figure without a plot")
	}
	c, err := draw.NewFormattedCanvas(w, h, format)
	if err != nil {
		return nil, err
	}
	f.Draw(draw.New(c))
	return c, nil
}

// Draw draws f on dc; a Figure without a plot draws nothing.
func (f *Figure) Draw(dc draw.Canvas) {
	if f == nil || f.Plot == nil {
		return
	}
	main := dc
	barW := vg.Inch
	if f.ColorBar != nil {
		main = draw.Crop(dc, 0, -barW-vg.Points(10), 0, 0)
	}
	top := main
	if f.Table != nil {
		top = f.drawTable(main)
	}
	f.Plot.Draw(top)
	if f.ColorBar != nil {
		data := f.Plot.DataCanvas(top)
		title := f.ColorBar.Title
		titleH := title.TextStyle.Rectangle(title.Text).Size().Y + title.Padding
		f.ColorBar.Draw(draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: dc.Max.X - barW, Y: data.Min.Y},
			Max: vg.Point{X: dc.Max.X - vg.Points(20), Y: data.Max.Y + titleH},
		}})
	}
}

// drawTable draws the numbers table at the bottom of dc, its columns under
// the x positions of the plot's data area, and returns the canvas left
// above it for the plot.
func (f *Figure) drawTable(dc draw.Canvas) draw.Canvas {
	t, p := f.Table, f.Plot
	ts := p.X.Tick.Label
	lineH := ts.Rectangle("0").Size().Y * 1.5
	tableH := lineH*vg.Length(len(t.Rows)+1) + vg.Points(12)
	nameW := vg.Length(0)
	for _, name := range t.Names {
		nameW = max(nameW, ts.Rectangle(name).Size().X)
	}
	top := draw.Crop(dc, nameW+vg.Points(8), -vg.Points(12), tableH, 0)
	data := p.DataCanvas(top)
	x, _ := p.Transforms(&data)

	title := ts
	title.XAlign, title.YAlign = draw.XLeft, draw.YCenter
	title.Font.Weight = xfont.WeightBold
	y := dc.Min.Y + tableH - vg.Points(6) - lineH/2
	dc.FillText(title, vg.Point{X: dc.Min.X + vg.Points(8), Y: y}, t.Title)
	for i, row := range t.Rows {
		y -= lineH
		name := ts
		name.XAlign, name.YAlign = draw.XLeft, draw.YCenter
		name.Color = Color(i)
		dc.FillText(name, vg.Point{X: dc.Min.X + vg.Points(8), Y: y}, t.Names[i])
		cell := name
		cell.XAlign = draw.XCenter
		for j, v := range row {
			dc.FillText(cell, vg.Point{X: x(t.X[j]), Y: y}, v)
		}
	}
	return top
}

// newPlot starts a plot with the package's title size and tick marks.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.X.Label.Text, p.Y.Label.Text = x, y
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	return p
}

// colors is Dark2 of ColorBrewer with black in front: distinct in print and
// for most colour-blind readers.
var colors = []color.RGBA{
	{0, 0, 0, 255},
	{27, 158, 119, 255},
	{217, 95, 2, 255},
	{117, 112, 179, 255},
	{231, 41, 138, 255},
	{102, 166, 30, 255},
	{230, 171, 2, 255},
	{166, 118, 29, 255},
}

// Color returns the i-th colour of the charts' palette (it repeats every
// eight; a negative i counts from the end).
func Color(i int) color.RGBA {
	n := len(colors)
	return colors[(i%n+n)%n]
}
