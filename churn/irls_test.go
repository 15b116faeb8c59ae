package churn

import (
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/parallel"
)

// estimates returns (intercept, coef...) and (intercept SE, SE...).
func estimates(f *Logistic) (beta, se []float64) {
	return append([]float64{f.Intercept}, f.Coef...), append([]float64{f.InterceptStdErr}, f.StdErr...)
}

// passBlocks is the number of blocks a pass of the fit over n rows of k
// features runs in.
func passBlocks(n, k int) int {
	return len(newDesign(make([][]float64, n), nil, nil, make([]float64, k)).parts)
}

func TestFitLogisticWeightedMatchesDuplicated(t *testing.T) {
	// 12,000 rows with frequency weight 2 against the same rows duplicated,
	// which a pass splits into more blocks.
	// MODELS.md §11: frequency weights give the same β, SE and ℓ as
	// duplicated rows (checked there to 2e-13). On these data the weighted
	// fit's full last-but-one step (1.7e-8) does not raise the summed ℓ,
	// by rounding only; halving it and stopping left an 8.6e-9 error before
	// iterate took such steps whole.
	const n = 12000
	require.Greater(t, passBlocks(2*n, 5), passBlocks(n, 5))
	X, y := logisticData(n, 5)
	w := make([]float64, n)
	var Xd [][]float64
	var yd []bool
	for i := range X {
		w[i] = 2
		Xd, yd = append(Xd, X[i], X[i]), append(yd, y[i], y[i])
	}
	fw, err := FitLogistic(X, y, &LogisticOptions{Weights: w})
	require.NoError(t, err)
	fd, err := FitLogistic(Xd, yd, nil)
	require.NoError(t, err)
	bw, sw := estimates(fw)
	bd, sd := estimates(fd)
	requireRel(t, bw, bd, 1e-10, "beta")
	requireRel(t, sw, sd, 1e-10, "SE")
	assert.InEpsilon(t, fw.LogLikelihood, fd.LogLikelihood, 1e-12)
	assert.InEpsilon(t, fw.NullLogLikelihood, fd.NullLogLikelihood, 1e-12)
	assert.Equal(t, float64(2*n), fd.N)
}

func TestFitLogisticZeroWeightRows(t *testing.T) {
	// A row of weight 0 fits like a dropped row (MODELS.md §11, w copies
	// of a row). Every third row has weight 0, so the rows a worker loads
	// into one chunk are not contiguous; the sizes cover one block of
	// several chunks and many blocks.
	require.Equal(t, 1, passBlocks(1000, 4))
	require.Greater(t, passBlocks(40_007, 4), 2)
	for _, n := range []int{1000, 40_007} {
		X, y := logisticData(n, 4)
		w := make([]float64, n)
		var Xs [][]float64
		var ys []bool
		for i := range X {
			if i%3 != 0 {
				w[i] = 1
				Xs, ys = append(Xs, X[i]), append(ys, y[i])
			}
		}
		fw, err := FitLogistic(X, y, &LogisticOptions{Weights: w})
		require.NoError(t, err)
		fs, err := FitLogistic(Xs, ys, nil)
		require.NoError(t, err)
		bw, sw := estimates(fw)
		bs, ss := estimates(fs)
		requireRel(t, bs, bw, 1e-10, "beta")
		requireRel(t, ss, sw, 1e-10, "SE")
		assert.InEpsilon(t, fs.LogLikelihood, fw.LogLikelihood, 1e-12)
		assert.Equal(t, fs.N, fw.N)
	}
}

func TestNewtonStartMatchesPass(t *testing.T) {
	// newton.start builds ℓ, gradient and penalised Hessian at
	// b = (logit ȳ, 0, …) from the moments, using that every row has the
	// same η there; a direct pass at that b must agree. Unequal weights,
	// balanced classes, an L2 penalty and columns far from 0 exercise every
	// term.
	X, y := logisticData(2000, 3)
	w := make([]float64, len(X))
	for i, row := range X {
		row[0] = 1e4 + 10*row[0]
		w[i] = float64(1 + i%4)
	}
	names := featureNames(nil, 3)
	o := LogisticOptions{Weights: w, BalanceClasses: true}
	smp, err := prepare("test", X, y, 3, names, o)
	require.NoError(t, err)
	d := newDesign(X, y, smp.w, smp.mu)
	d.colScale = smp.colScale
	G, gy := d.moments()
	d.invSD, err = inverseSDs("test", G, smp, names)
	require.NoError(t, err)
	nt := newton{d: d, pen: []float64{0, 0.5, 2, 1}}
	nt.start(G, gy, smp)

	m := d.m
	grad, hess := make([]float64, m), make([]float64, m*m)
	pl := nt.evaluate(nt.b, grad, hess)
	assert.InEpsilon(t, pl, nt.ll, 1e-12, "ℓ (no penalty at b_j = 0 for j ≥ 1)")
	scale := slices.Max(hess)
	for j := range m {
		assert.InDelta(t, grad[j], nt.grad[j], 1e-9*scale, "grad[%d]", j)
		for k := j; k < m; k++ {
			assert.InDelta(t, hess[j*m+k], nt.hess[j*m+k], 1e-12*scale, "hess[%d][%d]", j, k)
		}
	}
}

func TestFitLogisticBadInputBlocks(t *testing.T) {
	// The validation pass of a large input runs on blocks in parallel; the
	// first invalid row in row order is reported, whichever block found it.
	n := 40_000
	require.Greater(t, parallel.Chunks(n, prepareCost(2)), 2)
	X, y := logisticData(n, 2)
	late := cloneRows(X)
	late[n-3][1] = math.NaN()
	both := cloneRows(late)
	both[n/2-1][0] = math.Inf(1)
	for _, tc := range []struct {
		name string
		X    [][]float64
		row  int
	}{
		{"second block only", late, n - 3},
		{"both blocks", both, n/2 - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FitLogistic(tc.X, y, nil)
			require.ErrorIs(t, err, clv.ErrInvalid)
			var de *clv.DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tc.row, de.Row)
		})
	}
}
