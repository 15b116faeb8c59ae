package numeric

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// gram returns XᵀX of the rows of x.
func gram(x [][]float64) []float64 {
	m := len(x[0])
	g := make([]float64, m*m)
	for _, r := range x {
		for j := range m {
			for k := range m {
				g[j*m+k] += r[j] * r[k]
			}
		}
	}
	return g
}

func TestAliased(t *testing.T) {
	// Designs whose dependencies are known by construction: column 3 of
	// "combination" is 2·c0 − c2 (which of the three is reported depends on
	// the pivot order: the one of smallest norm, c0), "zero" has an all-zero
	// column 1.
	base := [][]float64{{1, 2, 0.5}, {1, -1, 3}, {1, 4, -2}, {1, 0, 1}, {1, 7, 7}}
	with := func(f func(r []float64) []float64) [][]float64 {
		out := make([][]float64, len(base))
		for i, r := range base {
			out[i] = f(r)
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		x        [][]float64
		aliased  []int
		partners [][]int
	}{
		{"full rank", base, nil, nil},
		{"duplicate", with(func(r []float64) []float64 { return []float64{r[0], r[1], r[2], r[1]} }), []int{3}, [][]int{{1}}},
		{"combination", with(func(r []float64) []float64 { return []float64{r[0], r[1], r[2], 2*r[0] - r[2]} }), []int{0}, [][]int{{2, 3}}},
		{"zero column", with(func(r []float64) []float64 { return []float64{r[0], 0, r[2]} }), []int{1}, [][]int{nil}},
		{"all zero", [][]float64{{0, 0}, {0, 0}}, []int{0, 1}, [][]int{nil, nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := gram(tc.x)
			orig := append([]float64(nil), g...)
			aliased, partners := Aliased(g, len(tc.x[0]))
			assert.Equal(t, tc.aliased, aliased)
			assert.Equal(t, tc.partners, partners)
			assert.Equal(t, orig, g, "g modified")
		})
	}
}
