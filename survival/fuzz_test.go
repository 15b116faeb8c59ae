package survival_test

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"

	"github.com/ltvgo/ltv/survival"
)

// decodeObs turns fuzz bytes into observations: 4 bytes a row (time,
// entry, weight, flags), with small values so ties, late entries and odd
// values (NaN, negatives, zero weights) all occur.
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
}

func FuzzKaplanMeier(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obs := decodeObs(data)
		before := slices.Clone(obs)
		for _, conf := range []survival.ConfType{survival.ConfLog, survival.ConfLogLog, survival.ConfPlain, survival.ConfLogit, survival.ConfArcsin} {
			c, err := survival.KaplanMeier(obs, &survival.Options{Conf: conf})
			if err != nil {
				continue
			}
			prev := 1.0
			for j, s := range c.Survival {
				if !(s >= 0 && s <= prev) {
					t.Fatalf("S[%d] = %v after %v", j, s, prev)
				}
				prev = s
				if lo, hi := c.Lower[j], c.Upper[j]; !math.IsNaN(lo) && !(lo >= 0 && lo <= s+1e-12 && hi >= s-1e-12 && hi <= 1) {
					t.Fatalf("band [%v, %v] around %v", lo, hi, s)
				}
			}
			c.Median()
			c.Quantile(0.25)
			c.RestrictedMean(10)
			c.At(3)
			c.Table([]float64{0, 1, 5})
		}
		if _, err := survival.NelsonAalen(obs, &survival.Options{HazardTies: survival.HazardFlemingHarrington}); err != nil && len(obs) > 0 && allValid(obs) {
			t.Fatalf("NelsonAalen: %v", err)
		}
		if !slices.Equal(before, obs) && !slices.EqualFunc(before, obs, sameObs) {
			t.Fatal("input modified")
		}
	})
}

func FuzzLogRank(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		obs := decodeObs(data)
		before := slices.Clone(obs)
		groups := make([][]survival.Observation, 1+int(k%4))
		strata := make([][]int, len(groups))
		for i, o := range obs {
			g := i % len(groups)
			groups[g] = append(groups[g], o)
			strata[g] = append(strata[g], i%3)
		}
		for _, opt := range []*survival.LogRankOptions{nil, {Rho: 1, Gamma: 0.5}, {Weight: survival.WeightAtRisk, Strata: strata}} {
			r, err := survival.LogRankTest(groups, opt)
			if err == nil && (r.ChiSquare < -1e-9 || !(r.P >= 0 && r.P <= 1)) {
				t.Fatalf("chi-square %v, p %v", r.ChiSquare, r.P)
			}
		}
		if !slices.EqualFunc(before, obs, sameObs) {
			t.Fatal("input modified")
		}
	})
}

// sameObs compares observations bit for bit (NaN equals NaN).
func sameObs(a, b survival.Observation) bool {
	return math.Float64bits(a.Time) == math.Float64bits(b.Time) && a.Event == b.Event &&
		math.Float64bits(a.Entry) == math.Float64bits(b.Entry) && math.Float64bits(a.Weight) == math.Float64bits(b.Weight)
}

// allValid reports whether KaplanMeier accepts obs.
func allValid(obs []survival.Observation) bool {
	_, err := survival.KaplanMeier(obs, nil)
	return err == nil
}
