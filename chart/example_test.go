package chart_test

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/ltvgo/ltv/chart"
	"github.com/ltvgo/ltv/survival"
)

// A Kaplan-Meier chart with its at-risk table, written as a PNG to any
// io.Writer (a file, an HTTP response; here a buffer).
func ExampleKaplanMeier() {
	var curves []*survival.Curve
	for _, obs := range [][]survival.Observation{
		{{Time: 1, Event: true}, {Time: 2, Event: true}, {Time: 3}, {Time: 4, Event: true}, {Time: 6}},
		{{Time: 2, Event: true}, {Time: 3, Event: true}, {Time: 5, Event: true}, {Time: 7}},
	} {
		c, err := survival.KaplanMeier(obs, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		curves = append(curves, c)
	}
	fig, err := chart.KaplanMeier(curves, []string{"monthly", "annual"}, chart.Labels{X: "months"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("at", fig.Table.X)
	for i, row := range fig.Table.Rows {
		fmt.Println(fig.Table.Names[i], row)
	}

	wt, err := fig.WriterTo(600, 400, "png") // in points; a PNG has 96 pixels to 72 points
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		fmt.Println(err)
		return
	}
	img, err := png.Decode(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy(), "pixels")
	// Output:
	// at [0 2 4 6]
	// monthly [5 4 2 1]
	// annual [4 4 2 1]
	// 800 × 533 pixels
}
