package survival_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// simulate draws n exponential lifetimes T (rate 0.1 per day) with
// independent exponential censoring (rate 0.05, counted from entry). With
// late set, each subject enters at a uniform E on [0, 5) and is kept only
// if T > E (left truncation), so S(t) = exp(−0.1·t) is still the target.
// Times are whole days when days is set.
func simulate(seed uint64, n int, late, days bool) []survival.Observation {
	rng := rand.New(rand.NewPCG(seed, 7))
	obs := make([]survival.Observation, 0, n)
	for len(obs) < n {
		life, cens := rng.ExpFloat64()/0.1, rng.ExpFloat64()/0.05
		entry := 0.0
		if late {
			entry = 5 * rng.Float64()
			if life <= entry {
				continue
			}
			cens += entry
		}
		o := survival.Observation{Time: min(life, cens), Event: life <= cens, Entry: entry}
		if days {
			o.Time = math.Ceil(o.Time)
			o.Entry = math.Floor(o.Entry)
			if o.Entry >= o.Time {
				continue
			}
		}
		obs = append(obs, o)
	}
	return obs
}

func TestKaplanMeierSimulation(t *testing.T) {
	// Seeded simulation: the estimate lies within 4 standard errors of the
	// true S(t) = exp(−0.1·t), and at most 2 of 10 checked points lie
	// outside the 95% log bands.
	for _, late := range []bool{false, true} {
		obs := simulate(11, 20000, late, false)
		c, err := survival.KaplanMeier(obs, nil)
		require.NoError(t, err)
		outside := 0
		for _, tt := range []float64{2, 4, 6, 8, 10, 12, 15, 20, 25, 30} {
			truth := math.Exp(-0.1 * tt)
			j := sortSearch(c.Time, tt)
			require.InDelta(t, truth, c.Survival[j], 4*c.StdErr[j], "late=%v t=%v", late, tt)
			if truth < c.Lower[j] || truth > c.Upper[j] {
				outside++
			}
		}
		require.LessOrEqual(t, outside, 2)
	}
}

// sortSearch returns the index of the last time ≤ t.
func sortSearch(times []float64, t float64) int {
	j := 0
	for j+1 < len(times) && times[j+1] <= t {
		j++
	}
	return j
}

func TestWeightsEqualExpandedRows(t *testing.T) {
	// A row with integer weight k gives the same curve as k unit rows
	// (KM, Greenwood, d/n Nelson–Aalen), and integer times need no merge.
	obs := simulate(3, 3000, true, true)
	rng := rand.New(rand.NewPCG(5, 5))
	var weighted, expanded []survival.Observation
	for _, o := range obs {
		k := 1 + rng.IntN(3)
		w := o
		w.Weight = float64(k)
		weighted = append(weighted, w)
		for range k {
			expanded = append(expanded, o)
		}
	}
	a, err := survival.KaplanMeier(weighted, nil)
	require.NoError(t, err)
	b, err := survival.KaplanMeier(expanded, &survival.Options{ExactTimes: true})
	require.NoError(t, err)
	require.Equal(t, a.Time, b.Time)
	require.Equal(t, a.AtRisk, b.AtRisk)
	require.Equal(t, a.Entered, b.Entered)
	require.Len(t, a.Survival, len(b.Survival))
	require.InDeltaSlice(t, b.Survival, a.Survival, 1e-12)
	require.InDeltaSlice(t, b.StdErr[:len(b.StdErr)/2], a.StdErr[:len(a.StdErr)/2], 1e-12)
	la, err := survival.LogRankTest([][]survival.Observation{weighted[:1500], weighted[1500:]}, nil)
	require.NoError(t, err)
	lb, err := survival.LogRankTest([][]survival.Observation{expanded[:countRows(weighted[:1500])], expanded[countRows(weighted[:1500]):]}, nil)
	require.NoError(t, err)
	require.InDelta(t, lb.ChiSquare, la.ChiSquare, 1e-9)
}

func countRows(obs []survival.Observation) int {
	n := 0
	for _, o := range obs {
		n += int(o.Weight)
	}
	return n
}
