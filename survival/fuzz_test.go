package survival_test

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// decodeObs turns fuzz bytes into observations: 4 bytes a row (time,
// entry, weight, flags), with small values so ties, late entries and odd
// values (NaN, negatives, zero weights) all occur, and weights from
// subnormal to 1e307.
func decodeObs(data []byte) []survival.Observation {
	var obs []survival.Observation
	for ; len(data) >= 4; data = data[4:] {
		o := survival.Observation{
			Time:   float64(data[0]) / 8,
			Entry:  float64(data[1]%16) / 4,
			Weight: float64(data[2]) / 64,
			Event:  data[3]&1 == 1,
		}
		switch data[3] >> 5 {
		case 1:
			o.Time = math.NaN()
		case 2:
			o.Time = -o.Time
		case 3:
			o.Weight = -o.Weight
		case 4:
			o.Entry = 0
		case 5:
			o.Time += float64(binary.LittleEndian.Uint16(data[:2])) * 1e-9 // near-ties
		case 6:
			o.Weight = math.Pow(10, float64(int(data[2])-128)*2.4) // 1e-307 … 1e305
		case 7:
			o.Weight = math.Ldexp(1, int(data[2])*8-1074) // subnormal … 1e307
		}
		obs = append(obs, o)
	}
	return obs
}

var fuzzSeeds = [][]byte{
	{},
	{8, 0, 64, 1},
	{8, 0, 64, 1, 16, 0, 0, 0, 16, 4, 64, 1, 24, 8, 32, 1},
	{8, 0, 64, 0x21, 16, 0, 0, 0},
	{8, 0, 64, 0xa1, 8, 0, 64, 0xa1, 9, 3, 200, 0x80},
	{0, 0, 0, 1, 0, 0, 0, 0, 40, 12, 1, 1},
	// the reported cases: a weight 1e-17-ish row under a late entry; weights 1e-300 and 1e300
	{24, 8, 45, 1, 16, 0, 1, 0xc1, 40, 0, 200, 0xc1},
	{8, 0, 3, 0xc1, 16, 0, 3, 0xc1, 24, 0, 3, 0xc0},
	{8, 0, 253, 0xc1, 16, 0, 253, 0xc1, 24, 0, 253, 0xc0},
	{8, 0, 0, 0xe1, 16, 4, 255, 0xe1, 24, 2, 1, 0xe0},
}

// checkDataError asserts that err is a *DataError wrapping a sentinel whose
// Row (when set) indexes obs.
func checkDataError(t *testing.T, err error, rows int) {
	t.Helper()
	var de *survival.DataError
	if !errors.As(err, &de) {
		t.Fatalf("error %v is not a *DataError", err)
	}
	if !errors.Is(err, survival.ErrInvalid) && !errors.Is(err, survival.ErrEmpty) && !errors.Is(err, survival.ErrSingular) {
		t.Fatalf("error %v wraps no sentinel", err)
	}
	if de.Row >= rows || de.Row < -1 {
		t.Fatalf("error %v names row %d of %d", err, de.Row, rows)
	}
}

func FuzzKaplanMeier(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obs := decodeObs(data)
		before := slices.Clone(obs)
		for _, conf := range allConf {
			for _, exact := range []bool{false, true} {
				c, err := survival.KaplanMeier(obs, &survival.Options{Conf: conf, ExactTimes: exact})
				if err != nil {
					checkDataError(t, err, len(obs))
					continue
				}
				if err := checkCurve(c); err != nil {
					t.Fatalf("conf %d exact %v: %v", conf, exact, err)
				}
				if err := checkQueries(c); err != nil {
					t.Fatalf("conf %d exact %v: %v", conf, exact, err)
				}
			}
		}
		if !slices.EqualFunc(before, obs, sameObs) {
			t.Fatal("input modified")
		}
	})
}

func FuzzNelsonAalen(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obs := decodeObs(data)
		before := slices.Clone(obs)
		_, kmErr := survival.KaplanMeier(obs, nil)
		for _, ties := range []survival.HazardTies{survival.HazardNelsonAalen, survival.HazardFlemingHarrington} {
			h, err := survival.NelsonAalen(obs, &survival.Options{HazardTies: ties, Level: 0.9})
			if (err == nil) != (kmErr == nil) {
				t.Fatalf("NelsonAalen error %v, KaplanMeier error %v", err, kmErr)
			}
			if err != nil {
				checkDataError(t, err, len(obs))
				continue
			}
			if err := checkHazard(h); err != nil {
				t.Fatalf("ties %d: %v", ties, err)
			}
		}
		if !slices.EqualFunc(before, obs, sameObs) {
			t.Fatal("input modified")
		}
	})
}

// FuzzCurveQueries reads a curve at fuzzed p, τ and t: a p outside (0, 1)
// must panic (documented), everything else must keep the invariants.
func FuzzCurveQueries(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, 0.5, 10.0, 3.0)
	}
	f.Add(fuzzSeeds[2], 1e-300, 1e300, math.Inf(1))
	f.Add(fuzzSeeds[4], math.NaN(), math.Inf(1), math.NaN())
	f.Fuzz(func(t *testing.T, data []byte, p, tau, at float64) {
		obs := decodeObs(data)
		c, err := survival.KaplanMeier(obs, &survival.Options{Conf: allConf[len(data)%len(allConf)]})
		if err != nil {
			return
		}
		last := c.Time[len(c.Time)-1]
		for _, rule := range []survival.QuantileRule{survival.QuantileR, survival.QuantileFirstBelow} {
			rc, _ := survival.KaplanMeier(obs, &survival.Options{Quantile: rule})
			est, lo, hi := rc.Quantile(p)
			inside := p > 0 && p < 1
			for _, x := range []float64{est, lo, hi} {
				if !math.IsNaN(x) && !(inside && x >= 0 && x <= last) {
					t.Fatalf("Quantile(%v) = %v, %v, %v", p, est, lo, hi)
				}
			}
		}
		mean, se := c.RestrictedMean(tau)
		switch {
		case math.IsNaN(tau) || tau < 0:
			if !math.IsNaN(mean) || !math.IsNaN(se) {
				t.Fatalf("RestrictedMean(%v) = %v, %v", tau, mean, se)
			}
		case math.IsInf(tau, 1):
			if math.IsNaN(mean) || math.IsNaN(se) || mean < 0 || se < 0 {
				t.Fatalf("RestrictedMean(+Inf) = %v, %v", mean, se)
			}
		default:
			if !(mean >= 0 && mean <= tau) || !(se >= 0) || tau <= 1e6 && math.IsInf(se, 0) {
				t.Fatalf("RestrictedMean(%v) = %v, %v", tau, mean, se)
			}
		}
		if s := c.At(at); !math.IsNaN(at) && !(s >= 0 && s <= 1) || math.IsNaN(at) && !math.IsNaN(s) {
			t.Fatalf("At(%v) = %v", at, s)
		}
		if !math.IsNaN(at) && !math.IsNaN(tau) {
			times := []float64{math.Min(at, tau), math.Max(at, tau)}
			r := c.Table(times)
			for i, s := range r.Survival {
				if !(s >= 0 && s <= 1) || s > 0 && !(r.Lower[i] <= s && s <= r.Upper[i]) {
					t.Fatalf("Table(%v) row %d: %v [%v, %v]", times, i, s, r.Lower[i], r.Upper[i])
				}
			}
		}
		est, lo, hi := c.Median()
		for _, x := range []float64{est, lo, hi} {
			if !math.IsNaN(x) && !(x >= 0 && x <= last) {
				t.Fatalf("Median = %v, %v, %v", est, lo, hi)
			}
		}
	})
}

func FuzzLogRank(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		obs := decodeObs(data)
		groups := make([][]survival.Observation, 1+int(k%4))
		strata := make([][]int, len(groups))
		for i, o := range obs {
			g := i % len(groups)
			groups[g] = append(groups[g], o)
			strata[g] = append(strata[g], i%3)
		}
		before := cloneGroups(groups)
		opts := append(slices.Clone(allLogRankOpts), survival.LogRankOptions{Weight: survival.WeightAtRisk, Strata: strata},
			survival.LogRankOptions{Rho: 0.5, Gamma: 1, Strata: strata, ExactTimes: true})
		for _, opt := range opts {
			r, err := survival.LogRankTest(groups, &opt)
			if err := checkLogRank(r, err); err != nil {
				t.Fatalf("%+v: %v", opt, err)
			}
			if err != nil {
				var de *survival.DataError
				if !errors.As(err, &de) || de.Group >= len(groups) || de.Group >= 0 && de.Row >= len(groups[de.Group]) {
					t.Fatalf("%+v: error %v does not locate its row", opt, err)
				}
			}
		}
		if tst, err := survival.LogRank(groups); err == nil && (math.IsNaN(tst.ChiSquare) != math.IsNaN(tst.P) || tst.ChiSquare < 0) {
			t.Fatalf("LogRank = %+v", tst)
		}
		if !sameGroups(before, groups) {
			t.Fatal("input modified")
		}
	})
}

// sameObs compares observations bit for bit (NaN equals NaN).
func sameObs(a, b survival.Observation) bool {
	return math.Float64bits(a.Time) == math.Float64bits(b.Time) && a.Event == b.Event &&
		math.Float64bits(a.Entry) == math.Float64bits(b.Entry) && math.Float64bits(a.Weight) == math.Float64bits(b.Weight)
}
