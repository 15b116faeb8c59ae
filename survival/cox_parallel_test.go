package survival_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pairwiseConcordance is R's concordance(…, reverse = TRUE) by its
// definition, over all pairs: a pair is comparable when the earlier time
// is an event and the other row is at risk then (entered before it, and
// exits later or is censored at that time); it weighs w_i·w_j; risk ties
// count ½. Each row's concordant, discordant and tied weight (as either
// member) gives the infinitesimal-jackknife standard error of the package
// documentation: var = Σ_g (Σ_{i∈g} dfbeta_i)²/4 over the clusters g (each
// row its own without labels), dfbeta_i = w_i·((c_i − d_i)/N − (c −
// d)/N²·(c_i + d_i + t_i)).
func pairwiseConcordance(obs []survival.Observation, risk []float64, cluster []int) (c, se float64) {
	n := len(obs)
	w := func(i int) float64 {
		if obs[i].Weight == 0 {
			return 1
		}
		return obs[i].Weight
	}
	ci, di, ti := make([]float64, n), make([]float64, n), make([]float64, n)
	var conc, disc, tied float64
	for i := range n {
		if !obs[i].Event {
			continue
		}
		for j := range n {
			if obs[j].Entry >= obs[i].Time || !(obs[j].Time > obs[i].Time || obs[j].Time == obs[i].Time && !obs[j].Event) {
				continue
			}
			pw := w(i) * w(j)
			switch {
			case risk[i] == risk[j]:
				tied += pw
				ti[i] += w(j)
				ti[j] += w(i)
			case risk[i] > risk[j]:
				conc += pw
				ci[i] += w(j)
				ci[j] += w(i)
			default:
				disc += pw
				di[i] += w(j)
				di[j] += w(i)
			}
		}
	}
	np := conc + disc + tied
	byCluster := map[int]float64{}
	for i := range n {
		g := i
		if cluster != nil {
			g = cluster[i]
		}
		byCluster[g] += w(i) * ((ci[i]-di[i])/np - (conc-disc)/(np*np)*(ci[i]+di[i]+ti[i]))
	}
	v := 0.0
	for _, dfb := range byCluster {
		v += dfb * dfb / 4
	}
	return (conc + tied/2) / np, math.Sqrt(v)
}

// Concordance splits the rows, in risk order, into blocks counted in
// parallel (from 4096 rows with few distinct times). With heavily tied
// risks the blocks start inside runs of equal risk; C and its standard
// error still equal the pairwise definition, and scikit-survival's
// convention (a tie window of 1e-8) its pairwise reference.
func TestConcordanceBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 5))
	n := 4200
	obs := make([]survival.Observation, n)
	risk := make([]float64, n)
	for i := range obs {
		obs[i] = survival.Observation{Time: float64(1 + rng.IntN(40)), Event: rng.Float64() < 0.8 || i%40 == 0,
			Weight: float64(1 + rng.IntN(3))}
		risk[i] = float64(rng.IntN(25))
		if i%5 == 0 {
			risk[i] += 1e-9
		}
	}
	got, err := survival.Concordance(obs, risk, nil)
	require.NoError(t, err)
	c, se := pairwiseConcordance(obs, risk, nil)
	require.InDelta(t, c, got.C, 1e-12)
	require.InDelta(t, se, got.StdErr, 1e-12)

	// (start, stop] rows (every third enters late) and clusters of 50 rows.
	late := slices.Clone(obs)
	cluster := make([]int, n)
	for i := range late {
		if i%3 == 0 && late[i].Time > 1 {
			late[i].Entry = float64(rng.IntN(int(late[i].Time)))
		}
		cluster[i] = i % 50
	}
	got, err = survival.Concordance(late, risk, &survival.ConcordanceOptions{Cluster: cluster})
	require.NoError(t, err)
	c, se = pairwiseConcordance(late, risk, cluster)
	require.InDelta(t, c, got.C, 1e-12)
	require.InDelta(t, se, got.StdErr, 1e-12)

	for i := range obs {
		// scikit-survival's G(t) must stay above 0 at the last time.
		obs[i].Weight, obs[i].Event = 0, obs[i].Event || obs[i].Time == 40
	}
	for _, uno := range []bool{false, true} {
		got, err := survival.Concordance(obs, risk, &survival.ConcordanceOptions{Uno: uno, Convention: survival.ConcordanceSksurv})
		require.NoError(t, err)
		// The reference adds ~1.8e7 pair weights one by one: its rounding is
		// ~1e-12 with Uno's weights.
		require.InDelta(t, sksurvConcordance(obs, risk, uno, 0), got.C, 1e-10, "uno %v", uno)
	}
}

// FitCox splits its passes into chunks that depend on the data only, and
// adds the chunks' partial sums in chunk order: one goroutine or several
// give the same bits.
func TestFitCoxSameBitsAnyProcs(t *testing.T) {
	obs, x := coxBenchData(100_000)
	fit := func(procs int) *survival.Cox {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		c, err := survival.FitCox(obs, x, nil)
		require.NoError(t, err)
		_, _, err = c.PHTest() // computed on first use: under procs
		require.NoError(t, err)
		return c
	}
	a, b := fit(1), fit(4)
	require.True(t, sameFloats(a.Coef, b.Coef), "%v %v", a.Coef, b.Coef)
	require.True(t, sameFloats(a.StdErr, b.StdErr))
	require.True(t, sameFloats([]float64{a.LogLikelihood, a.Score.ChiSquare, a.Concordance, a.ConcordanceStdErr},
		[]float64{b.LogLikelihood, b.Score.ChiSquare, b.Concordance, b.ConcordanceStdErr}))
	ta, ga, err := a.PHTest()
	require.NoError(t, err)
	tb, gb, err := b.PHTest()
	require.NoError(t, err)
	require.Equal(t, ta, tb)
	require.Equal(t, ga, gb)
}

// The PH test is computed on the first call: concurrent first calls see
// one result.
func TestCoxPHTestConcurrentFirstUse(t *testing.T) {
	obs, x := coxBenchData(2000)
	c, err := survival.FitCox(obs, x, nil)
	require.NoError(t, err)
	globals := make([]survival.Test, 8)
	var wg sync.WaitGroup
	for k := range globals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, g, err := c.PHTest()
			assert.NoError(t, err)
			globals[k] = g
		}()
	}
	wg.Wait()
	for _, g := range globals[1:] {
		require.Equal(t, globals[0], g)
	}
}
