package segment_test

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
	"github.com/ltvgo/ltv/segment"
)

var fuzzZone, _ = time.LoadLocation("America/St_Johns") // half-hour offset, DST

// fuzzTxns decodes data into transactions, 11 bytes each: a customer ID
// (one byte, 0 meaning empty), a day offset and hour (2 bytes; hours 253,
// 254 and 255 are a time around year 1, one in year 10000 and the zero
// time), and an amount (8 bytes, any float64 bits, so NaN, ±Inf and
// negatives occur).
func fuzzTxns(data []byte) []clv.Transaction {
	var txns []clv.Transaction
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for len(data) >= 11 {
		id := ""
		if data[0] != 0 {
			id = string(rune('a' + data[0]%16))
		}
		at := base.Add(time.Duration(int8(data[1]))*24*time.Hour + time.Duration(data[2])*time.Hour)
		switch data[2] {
		case 255:
			at = time.Time{}
		case 254:
			at = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		case 253:
			at = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(int8(data[1])) * time.Hour)
		}
		amt := math.Float64frombits(binary.LittleEndian.Uint64(data[3:11]))
		txns = append(txns, clv.Transaction{CustomerID: id, At: at, Amount: amt})
		data = data[11:]
	}
	return txns
}

func fuzzSeed(rows ...[3]float64) []byte {
	var out []byte
	for _, r := range rows {
		out = append(out, byte(r[0]), byte(int8(r[1])), 9)
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(r[2]))
	}
	return out
}

// FuzzCompute: no panic, no change to the input, an error naming the first
// bad row and field (txlogtest.FirstBad), and on success finite values in
// range, every score in 1..n and every bin count adding up to the
// customers.
func FuzzCompute(f *testing.F) {
	f.Add(fuzzSeed([3]float64{1, 0, 10}, [3]float64{2, 3, 5}, [3]float64{1, -2, 7}), uint8(0), uint8(5))
	f.Add(fuzzSeed([3]float64{1, 5, 10}, [3]float64{1, 5, 1}, [3]float64{3, 1, 0}), uint8(1), uint8(2))
	f.Add(fuzzSeed([3]float64{0, 0, 10}), uint8(2), uint8(1))
	f.Add(fuzzSeed([3]float64{4, 0, math.NaN()}), uint8(0), uint8(5))
	f.Add(fuzzSeed([3]float64{4, 0, 1e308}, [3]float64{4, 1, 1e308}), uint8(4), uint8(5)) // the revenue would overflow
	f.Fuzz(func(t *testing.T, data []byte, binning, scores uint8) {
		txns := fuzzTxns(data)
		before := slices.Clone(txns)
		n := int(scores%7) + 1
		opt := &segment.Options{Scores: n, Scoring: segment.Scoring(binning % 3), Frequency: segment.FrequencyBasis(scores % 2)}
		if opt.Scoring == segment.ByEdges {
			e := make([]float64, n-1)
			for k := range e {
				e[k] = float64(k) * 2
			}
			opt.RecencyEdges, opt.FrequencyEdges, opt.MonetaryEdges = e, e, e
		}
		if binning&4 != 0 {
			opt.Location = fuzzZone
		}
		var res *segment.Result
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic: %v", p)
				}
			}()
			res, err = segment.Compute(txns, time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), opt)
		}()
		assertSameTxns(t, before, txns)
		row, field := txlogtest.FirstBad(txns)
		if err != nil {
			if msg := txlogtest.CheckError(err, "segment.Compute", txns); msg != "" {
				t.Fatal(msg)
			}
			var de *clv.DataError
			if row >= 0 && (!errors.As(err, &de) || de.Row != row || de.Field != field || !errors.Is(err, clv.ErrInvalid)) {
				t.Fatalf("bad row %d %s, error %v", row, field, err) // the options are valid
			}
			return
		}
		if row >= 0 {
			t.Fatalf("bad row %d %s accepted", row, field)
		}
		for _, c := range res.Customers {
			if c.CustomerID == "" || c.SinceLast < 0 || c.Frequency < 1 || !(c.Monetary >= 0) || math.IsInf(c.Monetary, 0) ||
				!(c.Revenue >= 0) || math.IsInf(c.Revenue, 0) {
				t.Fatalf("value out of range: %+v", c)
			}
		}
		for _, c := range res.Customers {
			for _, s := range []int{c.R, c.F, c.M} {
				if s < 1 || s > n {
					t.Fatalf("score %d outside 1..%d: %+v", s, n, c)
				}
			}
		}
		for _, sc := range []segment.Scale{res.Recency, res.Frequency, res.Monetary} {
			total := 0
			for _, b := range sc.Bins {
				total += b.Customers
			}
			if total != len(res.Customers) || len(sc.Bins) != n {
				t.Fatalf("bins %+v for %d customers", sc.Bins, len(res.Customers))
			}
		}
	})
}

// FuzzTiers: no panic on any values, no change to them, one tier each.
func FuzzTiers(f *testing.F) {
	f.Add(fuzzSeed([3]float64{0, 0, 10}, [3]float64{0, 0, 10}, [3]float64{0, 0, 1}))
	f.Add(fuzzSeed([3]float64{0, 0, 0}))
	f.Add(fuzzSeed([3]float64{0, 0, -1}, [3]float64{0, 0, math.Inf(1)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v []float64
		for _, tx := range fuzzTxns(data) {
			v = append(v, tx.Amount)
		}
		before := slices.Clone(v)
		abc, errABC := segment.ABC(v, 0.8, 0.95)
		hml, errHML := segment.HeavyMediumLight(v, 0.2, 0.5)
		top, errTop := segment.Top(v, 0.3)
		for i := range v {
			if math.Float64bits(v[i]) != math.Float64bits(before[i]) {
				t.Fatalf("value %d changed", i)
			}
		}
		if (errABC == nil && len(abc) != len(v)) || (errHML == nil && len(hml) != len(v)) || (errTop == nil && len(top) != len(v)) {
			t.Fatal("one tier per value expected")
		}
	})
}

// FuzzSummarize: arbitrary scores never panic and shares add up to 1.
func FuzzSummarize(f *testing.F) {
	f.Add([]byte{5, 5, 5, 1, 1, 1, 3, 2, 4})
	f.Add([]byte{0, 9, 200})
	f.Fuzz(func(t *testing.T, data []byte) {
		var rows []segment.RFM
		for i := 0; i+2 < len(data); i += 3 {
			rows = append(rows, segment.RFM{CustomerID: "x", R: int(data[i]), F: int(data[i+1]), M: int(data[i+2]), Revenue: 1})
		}
		sums, err := segment.Summarize(rows, segment.ElevenSegments(), nil)
		if err != nil {
			return
		}
		share := 0.0
		for _, s := range sums {
			share += s.Share
		}
		if math.Abs(share-1) > 1e-9 {
			t.Fatalf("shares add to %v", share)
		}
	})
}
