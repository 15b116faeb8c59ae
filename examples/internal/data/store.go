package data

import (
	"fmt"
	"time"

	"github.com/ltvgo/ltv/clv"
)

// Week is the model time unit of the examples' purchase models.
const Week = 7 * 24 * time.Hour

// Store is a transaction log with the dates that split it: a calibration
// period from Start's day to CalibrationEnd's day, and a holdout period from
// the next day to End's day (all days included).
type Store struct {
	Txns                       []clv.Transaction
	Start, CalibrationEnd, End time.Time
}

// The built-in store: CDNOW-like spend, livelier buyers, half a year of
// acquisition, a calendar year of calibration and half a year of holdout.
var (
	storeModel = clv.BGNBD{R: 0.5, Alpha: 5, A: 0.8, B: 3}
	storeSpend = clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	storeStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	storeCal   = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	storeEnd   = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
)

// SimulatedStore returns the built-in example data: customers drawn from
// a BG/NBD process (r = 0.5, α = 5 weeks, a = 0.8, b = 3) with Gamma-Gamma
// spend (p = 6.25, q = 3.74, γ = 15.44, the CDNOW estimates), acquired
// uniformly over the first half of 2024 and observed to 30 June 2025. The
// calibration period is 2024; the holdout is the first half of 2025. It
// fails when customers is not positive.
func SimulatedStore(customers int, seed uint64) (Store, error) {
	txns, err := clv.SimulateBGNBD(storeModel, clv.SimulationOptions{
		Customers:       customers,
		Start:           storeStart,
		AcquisitionDays: 182,
		End:             storeEnd,
		Period:          Week,
		Spend:           storeSpend,
		Seed:            seed,
	})
	return Store{Txns: txns, Start: storeStart, CalibrationEnd: storeCal, End: storeEnd}, err
}

// NewStore wraps a user's log: the data run from the day of the first to the
// day of the last purchase, and the last holdoutDays days are the holdout
// (0 means a third of the span). It fails when that leaves less than four
// weeks of calibration or one week of holdout.
func NewStore(txns []clv.Transaction, holdoutDays int) (Store, error) {
	first, last := Span(txns)
	start, end := Day(first), Day(last)
	span := int(end.Sub(start).Hours()/24 + 0.5)
	if holdoutDays == 0 {
		holdoutDays = span / 3
	}
	cal := end.AddDate(0, 0, -holdoutDays)
	if holdoutDays < 7 || cal.Sub(start) < 4*Week {
		return Store{}, fmt.Errorf("the log spans %d days (%s to %s): too short for a %d-day holdout after at least 28 days of calibration",
			span, start.Format(time.DateOnly), end.Format(time.DateOnly), holdoutDays)
	}
	return Store{Txns: txns, Start: start, CalibrationEnd: cal, End: end}, nil
}

// Tracking is the cumulative count of repeat purchases over time since
// Start, the data of a tracking plot (Fader, Hardie & Lee 2005, Figure 2).
type Tracking struct {
	At     []float64 // periods since Start's day: 1, 2, …, and End's day last
	Actual []float64 // repeat purchase days up to and including the day At·period
	Firsts []float64 // each customer's first purchase day, in periods since Start's day
}

// Track counts, as Summarize does, purchase days after each customer's first
// one, cumulatively at every whole period from Start's day and at End's day.
// Firsts is what clv.ExpectedCumulativePurchases needs for the model curve.
func Track(s Store, period time.Duration) Tracking {
	days := make(map[string]map[int]bool)
	for _, t := range s.Txns {
		d := dayIndex(s.Start, t.At)
		if d < 0 || d > dayIndex(s.Start, s.End) {
			continue
		}
		if days[t.CustomerID] == nil {
			days[t.CustomerID] = make(map[int]bool)
		}
		days[t.CustomerID][d] = true
	}
	perPeriod := period.Hours() / 24
	points := int(float64(dayIndex(s.Start, s.End)) / perPeriod)
	repeatsOnDay := make([]float64, dayIndex(s.Start, s.End)+1)
	var tr Tracking
	for _, set := range days {
		first := len(repeatsOnDay)
		for d := range set {
			first = min(first, d)
		}
		tr.Firsts = append(tr.Firsts, float64(first)/perPeriod)
		for d := range set {
			if d != first {
				repeatsOnDay[d]++
			}
		}
	}
	cum := 0.0
	next := 1
	last := len(repeatsOnDay) - 1
	for d, n := range repeatsOnDay {
		cum += n
		switch {
		case next <= points && float64(d) >= float64(next)*perPeriod:
			tr.At = append(tr.At, float64(next))
			tr.Actual = append(tr.Actual, cum)
			next++
		case d == last:
			tr.At = append(tr.At, float64(d)/perPeriod)
			tr.Actual = append(tr.Actual, cum)
		}
	}
	return tr
}

// dayIndex is the number of UTC calendar days from start's day to t's day.
func dayIndex(start, t time.Time) int {
	return int(Day(t).Sub(Day(start)).Hours()/24 + 0.5)
}
