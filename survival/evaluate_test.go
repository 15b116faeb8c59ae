package survival_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// evalCase: six rows followed from 0; the censoring curve of
// scikit-survival (events leave before the censorings of their time) is
// Ĝ = 1 on [0, 2), 1 − 1/5 = 0.8 on [2, 5) (one of five at risk censored at
// 2), 0.8·(1 − 1/2) = 0.4 from 5 on (one of two censored at 5).
func evalCase() []survival.Observation {
	return []survival.Observation{
		{Time: 1, Event: true}, {Time: 2}, {Time: 3, Event: true},
		{Time: 4, Event: true}, {Time: 5}, {Time: 6, Event: true},
	}
}

func TestCumulativeDynamicAUCByHand(t *testing.T) {
	obs := evalCase()
	risk := [][]float64{{0.9}, {0.1}, {0.5}, {0.5}, {0.2}, {0.7}}
	r, err := survival.CumulativeDynamicAUC(nil, obs, risk, []float64{3.5, 5.5})
	require.NoError(t, err)
	// t = 3.5: cases rows 0 (ω = 1/Ĝ(1) = 1) and 2 (ω = 1/Ĝ(3) = 1.25),
	// controls rows 3, 4, 5 (scores 0.5, 0.2, 0.7). Row 0 beats all three;
	// row 2 ties 0.5 (½), beats 0.2, loses to 0.7: (3 + 1.25·1.5)/(2.25·3) = 13/18.
	// t = 5.5: cases rows 0, 2, 3 (ω 1, 1.25, 1.25), control row 5 (0.7):
	// only row 0 beats it: 1/3.5 = 2/7.
	require.InDeltaSlice(t, []float64{13. / 18, 2. / 7}, r.AUC, 1e-15)
	// Kaplan–Meier of the rows: Ŝ(3.5) = 5/6·3/4 = 5/8, Ŝ(5.5) = 5/8·2/3 = 5/12;
	// mean = (13/18·3/8 + 2/7·5/24)/(1 − 5/12) = 111/196.
	require.InDelta(t, 111./196, r.Mean, 1e-15)
	// Per-time scores: column k at times[k]; one time's mean is its AUC.
	r, err = survival.CumulativeDynamicAUC(nil, obs, [][]float64{{0.9, 0}, {0.1, 0}, {0.5, 0}, {0.5, 0}, {0.2, 0}, {0.7, 0}}, []float64{3.5, 5.5})
	require.NoError(t, err)
	require.InDelta(t, 13./18, r.AUC[0], 1e-15)
	require.InDelta(t, 0.5, r.AUC[1], 1e-15) // all tied
	r, err = survival.CumulativeDynamicAUC(nil, obs, risk, []float64{3.5})
	require.NoError(t, err)
	require.Equal(t, r.AUC[0], r.Mean)
}

func TestBrierScoreByHand(t *testing.T) {
	obs := evalCase()
	surv := [][]float64{{0.2, 0.1}, {0.9, 0.8}, {0.4, 0.3}, {0.6, 0.4}, {0.8, 0.7}, {0.5, 0.6}}
	r, err := survival.BrierScore(nil, obs, surv, []float64{3.5, 5.5})
	require.NoError(t, err)
	// t = 3.5: cases rows 0, 2: 0.2²/1 + 0.4²/0.8 = 0.24; controls rows 3,
	// 4, 5: (0.4² + 0.2² + 0.5²)/Ĝ(3.5) = 0.45/0.8; row 1 (censored at 2)
	// adds 0: (0.24 + 0.5625)/6.
	// t = 5.5: cases rows 0, 2, 3: 0.1² + (0.3² + 0.4²)/0.8 = 0.3225;
	// control row 5: 0.4²/Ĝ(5.5) = 0.16/0.4: (0.3225 + 0.4)/6.
	bs := []float64{0.8025 / 6, 0.7225 / 6}
	require.InDeltaSlice(t, bs, r.Score, 1e-15)
	require.InDelta(t, (bs[0]+bs[1])/2, r.Integrated, 1e-15) // trapezoid over [3.5, 5.5] / 2
	r, err = survival.BrierScore(nil, obs, [][]float64{{0.2}, {0.9}, {0.4}, {0.6}, {0.8}, {0.5}}, []float64{3.5})
	require.NoError(t, err)
	require.True(t, math.IsNaN(r.Integrated))
}

// censoringByDefinition is Ĝ(t) = Π_{s ≤ t} (1 − c_s/(n_s − d_s)) by
// scanning every distinct time (scikit-survival's reverse Kaplan–Meier),
// with case weights.
func censoringByDefinition(obs []survival.Observation, t float64) float64 {
	w := func(o survival.Observation) float64 {
		if o.Weight == 0 {
			return 1
		}
		return o.Weight
	}
	var ts []float64
	for _, o := range obs {
		ts = append(ts, o.Time)
	}
	slices.Sort(ts)
	ts = slices.Compact(ts)
	g := 1.0
	for _, s := range ts {
		if s > t {
			break
		}
		var n, d, c float64
		for _, o := range obs {
			if o.Time >= s {
				n += w(o)
			}
			if o.Time == s && o.Event {
				d += w(o)
			} else if o.Time == s {
				c += w(o)
			}
		}
		g *= 1 - c/(n-d)
	}
	return g
}

// evalRandom: weighted test and training rows with tied times and tied
// scores (exact ties only, so that scikit-survival's chained 1e-8
// tolerance and exact equality agree).
func evalRandom(seed uint64, n int) (train, test []survival.Observation, risk, surv [][]float64, times []float64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	row := func() survival.Observation {
		return survival.Observation{Time: float64(1 + rng.IntN(25)), Event: rng.Float64() < 0.6, Weight: float64(1 + rng.IntN(3))}
	}
	for range n {
		train = append(train, row())
		test = append(test, row())
	}
	for i := range train {
		if train[i].Time >= 24 { // keep Ĝ above 0 over the test times
			train[i].Event = true
		}
	}
	times = []float64{3.5, 8, 12, 17.5, 21}
	for range test {
		r, s := make([]float64, len(times)), make([]float64, len(times))
		for k := range times {
			r[k] = float64(rng.IntN(10))
			s[k] = rng.Float64()
		}
		risk = append(risk, r)
		surv = append(surv, s)
	}
	return train, test, risk, surv, times
}

// AUC and Brier against their published definitions evaluated directly:
// every case–control pair (Uno et al. 2007, eq. for AUC^C/D with IPCW
// case weights) and every row (Graf et al. 1999), Ĝ by its definition.
func TestEvaluateByDefinition(t *testing.T) {
	train, test, risk, surv, times := evalRandom(3, 300)
	w := func(o survival.Observation) float64 { return math.Max(o.Weight, 1) }
	auc, err := survival.CumulativeDynamicAUC(train, test, risk, times)
	require.NoError(t, err)
	bs, err := survival.BrierScore(train, test, surv, times)
	require.NoError(t, err)
	for k, tk := range times {
		var num, cases, controls float64
		for i, a := range test {
			if a.Time > tk || !a.Event {
				continue
			}
			om := w(a) / censoringByDefinition(train, a.Time)
			cases += om
			for j, b := range test {
				if b.Time <= tk {
					continue
				}
				switch {
				case risk[i][k] > risk[j][k]:
					num += om * w(b)
				case risk[i][k] == risk[j][k]:
					num += om * w(b) / 2
				}
			}
		}
		for _, b := range test {
			if b.Time > tk {
				controls += w(b)
			}
		}
		require.InDelta(t, num/cases/controls, auc.AUC[k], 1e-13, "AUC at %g", tk)

		gt := censoringByDefinition(train, tk)
		var sum, total float64
		for i, o := range test {
			total += w(o)
			s := surv[i][k]
			if o.Time > tk {
				sum += w(o) * (1 - s) * (1 - s) / gt
			} else if o.Event {
				sum += w(o) * s * s / censoringByDefinition(train, o.Time)
			}
		}
		require.InDelta(t, sum/total, bs.Score[k], 1e-13, "Brier at %g", tk)
	}
}

func TestEvaluateBadInput(t *testing.T) {
	obs := evalCase()
	risk := [][]float64{{0.9}, {0.1}, {0.5}, {0.5}, {0.2}, {0.7}}
	surv := [][]float64{{0.2}, {0.9}, {0.4}, {0.6}, {0.8}, {0.5}}
	bad := func(o []survival.Observation, i int, f func(*survival.Observation)) []survival.Observation {
		c := slices.Clone(o)
		f(&c[i])
		return c
	}
	for _, tc := range []struct {
		name        string
		train, test []survival.Observation
		risk, surv  [][]float64
		times       []float64
		sentinel    error
		row         int
		field       string
	}{
		{"no test rows", nil, nil, nil, nil, []float64{3}, survival.ErrEmpty, -1, "Time"},
		{"NaN time", nil, bad(obs, 2, func(o *survival.Observation) { o.Time = math.NaN() }), risk, surv, []float64{3}, survival.ErrInvalid, 2, "Time"},
		{"late entry", nil, bad(obs, 4, func(o *survival.Observation) { o.Entry = 1 }), risk, surv, []float64{3}, survival.ErrInvalid, 4, "Entry"},
		{"bad training row", bad(obs, 1, func(o *survival.Observation) { o.Weight = -1 }), obs, risk, surv, []float64{3}, survival.ErrInvalid, 1, "train.Weight"},
		{"no times", nil, obs, risk, surv, nil, survival.ErrEmpty, -1, "times"},
		{"time at the last follow-up", nil, obs, risk, surv, []float64{6}, survival.ErrInvalid, -1, "times"},
		{"time before the first", nil, obs, risk, surv, []float64{0.5}, survival.ErrInvalid, -1, "times"},
		{"times not increasing", nil, obs, [][]float64{{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}}, [][]float64{{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}}, []float64{3, 3}, survival.ErrInvalid, -1, "times"},
		{"short matrix", nil, obs, risk[:5], surv[:5], []float64{3}, survival.ErrInvalid, -1, ""},
		{"NaN score", nil, obs, [][]float64{{0.9}, {0.1}, {math.NaN()}, {0.5}, {0.2}, {0.7}}, [][]float64{{0.2}, {0.9}, {1.5}, {0.6}, {0.8}, {0.5}}, []float64{3}, survival.ErrInvalid, 2, ""},
		// Training rows that end at 4, all censored there: Ĝ(4) = 0 and
		// beyond 4 it is undefined for the case at 5.
		{"censoring curve 0", []survival.Observation{{Time: 1, Event: true}, {Time: 4}, {Time: 4}}, bad(obs, 4, func(o *survival.Observation) { o.Event = true }), risk, surv, []float64{5.5}, survival.ErrInvalid, 3, "Time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := survival.CumulativeDynamicAUC(tc.train, tc.test, tc.risk, tc.times)
			field := tc.field
			if field == "" {
				field = "risk"
			}
			checkEvalError(t, err, "survival.CumulativeDynamicAUC", tc.sentinel, tc.row, field)
			_, err = survival.BrierScore(tc.train, tc.test, tc.surv, tc.times)
			if tc.field == "" {
				field = "surv"
			}
			checkEvalError(t, err, "survival.BrierScore", tc.sentinel, tc.row, field)
		})
	}
}

func checkEvalError(t *testing.T, err error, fn string, sentinel error, row int, field string) {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	var de *survival.DataError
	require.ErrorAs(t, err, &de)
	require.Equal(t, fn, de.Func)
	require.Equal(t, row, de.Row, "%v", err)
	require.Equal(t, field, de.Field, "%v", err)
}

// scikit-survival's definitions in numpy on 400 seeded rows with tied
// times, exactly tied scores and scores 5e-9 apart (tied within its 1e-8):
// testdata/evaluate_sksurv.json, written by testdata/evaluate_sksurv.py.
func TestEvaluateSksurv(t *testing.T) {
	b, err := os.ReadFile("testdata/evaluate_sksurv.json")
	require.NoError(t, err)
	var ref struct {
		TrainTime  []float64 `json:"train_time"`
		TrainEvent []int     `json:"train_event"`
		TestTime   []float64 `json:"test_time"`
		TestEvent  []int     `json:"test_event"`
		Times      []float64
		Risk, Surv [][]float64
		AUC        []float64
		MeanAUC    float64 `json:"mean_auc"`
		Brier      []float64
		IBS        float64
	}
	require.NoError(t, json.Unmarshal(b, &ref))
	rows := func(time []float64, event []int) []survival.Observation {
		obs := make([]survival.Observation, len(time))
		for i := range obs {
			obs[i] = survival.Observation{Time: time[i], Event: event[i] == 1}
		}
		return obs
	}
	train, test := rows(ref.TrainTime, ref.TrainEvent), rows(ref.TestTime, ref.TestEvent)
	require.Len(t, test, 400)
	auc, err := survival.CumulativeDynamicAUC(train, test, ref.Risk, ref.Times)
	require.NoError(t, err)
	require.Len(t, auc.AUC, len(ref.AUC))
	require.InDeltaSlice(t, ref.AUC, auc.AUC, 1e-13)
	require.InDelta(t, ref.MeanAUC, auc.Mean, 1e-13)
	bs, err := survival.BrierScore(train, test, ref.Surv, ref.Times)
	require.NoError(t, err)
	require.Len(t, bs.Score, len(ref.Brier))
	require.InDeltaSlice(t, ref.Brier, bs.Score, 1e-13)
	require.InDelta(t, ref.IBS, bs.Integrated, 1e-13)
}

// Austin, Harrell & van Klaveren's calibration at t0 against R:
// testdata/calibration.json, written by testdata/calibration.R (coxph on
// splines::ns(cloglog, knots), survfit at t0; R 4.2.2, survival 3.5-3), on
// 300 seeded rows with a deliberately miscalibrated prediction.
func TestCalibrationAtR(t *testing.T) {
	b, err := os.ReadFile("testdata/calibration.json")
	require.NoError(t, err)
	type knotsRef struct {
		Knots, Observed     []float64
		ICI, E50, E90, EMax float64
	}
	var ref struct {
		Time, Status, Surv []float64
		T0                 float64
		Knots3             knotsRef
		Knots4             knotsRef
	}
	require.NoError(t, json.Unmarshal(b, &ref))
	obs := make([]survival.Observation, len(ref.Time))
	for i := range obs {
		obs[i] = survival.Observation{Time: ref.Time[i], Event: ref.Status[i] == 1}
	}
	require.Len(t, obs, 300)
	for k, want := range map[int]knotsRef{3: ref.Knots3, 4: ref.Knots4} {
		got, err := survival.CalibrationAt(obs, ref.Surv, ref.T0, &survival.CalibrationOptions{Knots: k})
		require.NoError(t, err)
		require.InDeltaSlice(t, want.Knots, got.Knots, 1e-14)
		require.Len(t, got.Observed, len(want.Observed))
		require.InDeltaSlice(t, want.Observed, got.Observed, 1e-10)
		require.InDelta(t, want.ICI, got.ICI, 1e-10)
		require.InDelta(t, want.E50, got.E50, 1e-10)
		require.InDelta(t, want.E90, got.E90, 1e-10)
		require.InDelta(t, want.EMax, got.EMax, 1e-10)
		for i, s := range ref.Surv {
			require.Equal(t, 1-s, got.Predicted[i])
		}
	}
}

func TestCalibrationAtBadInput(t *testing.T) {
	obs := evalCase()
	surv := []float64{0.2, 0.9, 0.4, 0.6, 0.8, 0.5}
	one := func(i int, v float64) []float64 { s := slices.Clone(surv); s[i] = v; return s }
	for _, tc := range []struct {
		name     string
		obs      []survival.Observation
		surv     []float64
		t0       float64
		opt      *survival.CalibrationOptions
		sentinel error
		row      int
		field    string
	}{
		{"no rows", nil, nil, 3, nil, survival.ErrEmpty, -1, "Time"},
		{"weight", []survival.Observation{{Time: 1, Event: true, Weight: 2}}, []float64{0.5}, 3, nil, survival.ErrInvalid, 0, "Weight"},
		{"prediction 1", obs, one(3, 1), 3, nil, survival.ErrInvalid, 3, "surv"},
		{"prediction NaN", obs, one(2, math.NaN()), 3, nil, survival.ErrInvalid, 2, "surv"},
		{"short", obs, surv[:5], 3, nil, survival.ErrInvalid, -1, "surv"},
		{"t0", obs, surv, math.Inf(1), nil, survival.ErrInvalid, -1, "t0"},
		{"knots", obs, surv, 3, &survival.CalibrationOptions{Knots: 6}, survival.ErrInvalid, -1, "CalibrationOptions.Knots"},
		{"iterations", obs, surv, 3, &survival.CalibrationOptions{MaxIterations: -1}, survival.ErrInvalid, -1, "CalibrationOptions.MaxIterations"},
		{"too few distinct", obs, []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.4}, 3, nil, survival.ErrInvalid, -1, "surv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := survival.CalibrationAt(tc.obs, tc.surv, tc.t0, tc.opt)
			require.Nil(t, r)
			checkEvalError(t, err, "survival.CalibrationAt", tc.sentinel, tc.row, tc.field)
		})
	}
}
