package chart

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks labels an axis at multiples of 1, 2 or 5 × 10^k, about six of
// them, with as few decimals as the step needs (gonum's default picks
// steps such as 3 or 30).
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	first := math.Ceil(lo/step) * step
	// v is first + k·step, not a running sum: a step below the spacing of
	// floats at v would never move a sum.
	for k := 0.0; ; k++ {
		v := first + k*step
		if !(v <= hi+step*1e-9) {
			break
		}
		if v == 0 {
			v = 0 // +0: math.Ceil of a small negative number gives −0, printed "-0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64)})
		for m := 1; m < 5 && v+float64(m)*step/5 <= hi; m++ {
			ticks = append(ticks, plot.Tick{Value: v + float64(m)*step/5}) // minor
		}
	}
	return ticks
}

// MajorTicks returns the labelled tick positions of a linear axis of this
// package's charts on [lo, hi], so that a NumbersTable can sit under them.
func MajorTicks(lo, hi float64) []float64 {
	var out []float64
	for _, t := range (niceTicks{}).Ticks(lo, hi) {
		if t.Label != "" {
			out = append(out, t.Value)
		}
	}
	return out
}
