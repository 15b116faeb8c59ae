package churn

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/modelenc/modelenctest"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/saved")

// savedLogistic is a fit to 500 simulated rows of 3 named features.
func savedLogistic(t testing.TB) *Logistic {
	X, y := logisticData(500, 3)
	l, err := FitLogistic(X, y, &LogisticOptions{Names: []string{"recency", "frequency", "spend"}})
	require.NoError(t, err)
	return l
}

// ProbEach is Prob row by row, in order, on inputs large enough to run in
// parallel.
func TestProbEach(t *testing.T) {
	l := savedLogistic(t)
	X, _ := logisticData(50_000, 3)
	got, err := l.ProbEach(X)
	require.NoError(t, err)
	require.Len(t, got, len(X))
	for i, x := range X {
		if got[i] != l.Prob(x) {
			t.Fatalf("row %d: ProbEach %v, Prob %v", i, got[i], l.Prob(x))
		}
	}
}

func TestProbEachBadInput(t *testing.T) {
	l := savedLogistic(t)
	X, _ := logisticData(50_000, 3)
	bad := func(i int, row []float64) [][]float64 {
		out := append([][]float64(nil), X...)
		out[i] = row
		out[len(out)-1] = []float64{1} // a later bad row: the first one is reported
		return out
	}
	cases := []struct {
		name  string
		X     [][]float64
		row   int
		field string
		err   error
	}{
		{"short row", bad(30_000, []float64{1, 2}), 30_000, "X", clv.ErrInvalid},
		{"NaN", bad(7, []float64{1, math.NaN(), 2}), 7, "X[1]", clv.ErrInvalid},
		{"Inf", bad(40_000, []float64{math.Inf(-1), 0, 2}), 40_000, "X[0]", clv.ErrInvalid},
		{"no rows", nil, -1, "X", clv.ErrEmpty},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.ProbEach(tc.X)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.row, de.Row)
			assert.Equal(t, tc.field, de.Field)
			assert.True(t, errors.Is(err, tc.err))
		})
	}
	var nilModel *Logistic
	_, err := nilModel.ProbEach(X)
	assert.ErrorIs(t, err, clv.ErrInvalid)
}

func BenchmarkProbEach(b *testing.B) {
	for _, n := range []int{1e3, 1e5, 1e6} {
		X, y := logisticData(n, 20)
		l, err := FitLogistic(X[:min(n, 10_000)], y[:min(n, 10_000)], nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("ProbEach/n=%d,k=20", n), func(b *testing.B) {
			loop(b, func() {
				if _, err := l.ProbEach(X); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(fmt.Sprintf("ProbLoop/n=%d,k=20", n), func(b *testing.B) {
			out := make([]float64, n)
			loop(b, func() {
				for i, x := range X {
					out[i] = l.Prob(x)
				}
			})
		})
	}
}

func TestSavedLogistic(t *testing.T) {
	l := savedLogistic(t)
	b, err := json.Marshal(l)
	require.NoError(t, err)
	modelenctest.Golden(t, filepath.Join("testdata", "saved", "Logistic.json"), b, 1e-9, *update)
	var got Logistic
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, *l, got)

	cases := []struct {
		name, field string
		edit        func(p map[string]any)
	}{
		{"missing coefficients", "params.Coef", func(p map[string]any) { delete(p, "Coef") }},
		{"NaN coefficient", "params.Coef[2]", func(p map[string]any) { p["Coef"].([]any)[2] = "NaN" }},
		{"unknown key", "params.Bias", func(p map[string]any) { p["Bias"] = 0 }},
		{"names of another length", "params.Names", func(p map[string]any) { p["Names"] = []any{"a"} }},
		{"covariance of another size", "params.Cov", func(p map[string]any) { p["Cov"] = []any{[]any{1}} }},
		{"negative penalty", "params.L2", func(p map[string]any) { p["L2"] = -1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var env map[string]any
			require.NoError(t, json.Unmarshal(b, &env))
			tc.edit(env["params"].(map[string]any))
			bad, err := json.Marshal(env)
			require.NoError(t, err)
			var into Logistic
			err = json.Unmarshal(bad, &into)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.field, de.Field, "%v", err)
		})
	}
}
