// Package report collects what an example shows, prints it as text while the
// example runs, and writes it all to an index.html beside the plots.
package report

import (
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot/vg"
)

// Width and Height are the size of a saved plot (at 96 dpi: 864 × 528 px).
const (
	Width  = 9 * vg.Inch
	Height = 5.5 * vg.Inch
)

// Drawing is a chart to save: a *plot.Plot or a *chart.Figure.
type Drawing interface {
	WriterTo(w, h vg.Length, format string) (io.WriterTo, error)
}

// Table is a small table of already formatted cells.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// block is one item of the report, in order: exactly one field is set.
type block struct {
	Heading string
	Text    string
	Table   *Table
	Image   string // file name inside the output folder
	Caption string // of Image
}

// Report is an example's output: text on out as it goes, and the same
// content (plus the plots) in Dir/index.html when Write is called.
type Report struct {
	Title  string
	Dir    string
	out    io.Writer
	blocks []block
}

// New starts a report whose plots go to dir (created if needed).
func New(title, dir string, out io.Writer) (*Report, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
	return &Report{Title: title, Dir: dir, out: out}, nil
}

// Section starts a new section.
func (r *Report) Section(heading string) {
	fmt.Fprintf(r.out, "\n## %s\n", heading)
	r.blocks = append(r.blocks, block{Heading: heading})
}

// Textf adds a paragraph.
func (r *Report) Textf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	fmt.Fprintln(r.out, s)
	r.blocks = append(r.blocks, block{Text: s})
}

// Table adds a table.
func (r *Report) Table(t Table) {
	if t.Caption != "" {
		fmt.Fprintln(r.out, t.Caption)
	}
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(t.Header, "\t")+"\t")
	for _, row := range t.Rows {
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	r.blocks = append(r.blocks, block{Table: &t})
}

// Path returns where a plot called name goes.
func (r *Report) Path(name string) string { return filepath.Join(r.Dir, name) }

// Plot writes d as a Width × Height PNG to Path(name) and adds it with
// caption.
func (r *Report) Plot(name, caption string, d Drawing) error {
	wt, err := d.WriterTo(Width, Height, "png")
	if err != nil {
		return fmt.Errorf("plot %s: %w", name, err)
	}
	f, err := os.Create(r.Path(name))
	if err != nil {
		return err
	}
	if _, err := wt.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	r.image(name, caption)
	return nil
}

// image adds the plot name (already written to Path(name)).
func (r *Report) image(name, caption string) {
	fmt.Fprintf(r.out, "[plot] %s: %s\n", r.Path(name), caption)
	r.blocks = append(r.blocks, block{Image: name, Caption: caption})
}

// Write writes Dir/index.html and returns its path.
func (r *Report) Write() (string, error) {
	path := r.Path("index.html")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	content := struct {
		Title  string
		Blocks []block
	}{r.Title, r.blocks}
	if err := page.Execute(f, content); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

var page = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { border-bottom: 2px solid #ccc; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: .3em; }
th, td { padding: .2em .7em; border-bottom: 1px solid #eee; text-align: right; }
th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
figure { margin: 1em 0; }
img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #555; font-size: .9em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Blocks}}{{if .Heading}}<h2>{{.Heading}}</h2>
{{else if .Text}}<p>{{.Text}}</p>
{{else if .Table}}<table>{{if .Table.Caption}}<caption>{{.Table.Caption}}</caption>{{end}}
<tr>{{range .Table.Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Table.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{else if .Image}}<figure><img src="{{.Image}}" alt="{{.Caption}}"><figcaption>{{.Caption}}</figcaption></figure>
{{end}}{{end}}</body>
</html>
`))

// Num formats v with prec decimals, and NaN as "–".
func Num(v float64, prec int) string {
	if v != v {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// Pct formats a share as a percentage with prec decimals, and NaN as "–".
func Pct(v float64, prec int) string {
	if v != v {
		return "–"
	}
	return strconv.FormatFloat(100*v, 'f', prec, 64) + "%"
}

// PValue formats a p-value with 4 decimals, one below 0.0001 as "<0.0001",
// and NaN as "–".
func PValue(p float64) string {
	if p < 1e-4 {
		return "<0.0001"
	}
	return Num(p, 4)
}
