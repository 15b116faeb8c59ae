package churn

import (
	"errors"
	"math"
	"time"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
)

// modelScoreCost is the time to score one customer with a BTYD model
// (three predictions, each a few special functions).
const modelScoreCost = 1500 * time.Nanosecond

// Contender is one churn scorer on a Leaderboard: a fitted BTYD model, or
// scores computed elsewhere on the same customers (a logistic churn
// probability, 1 − S(t) of a survival model, a business rule).
type Contender struct {
	Name string
	// Model, when not nil, scores every customer over the holdout:
	// P(no purchase in (T, T+HoldoutT]), E[Y(HoldoutT) | x, t_x, T] and
	// P(alive). NoPurchase and Expected must then be nil.
	Model clv.PurchaseModel
	// NoPurchase[i] is the probability that customer i makes no purchase
	// in the holdout (required without Model).
	NoPurchase []float64
	// Expected[i] is customer i's expected holdout purchases; nil when the
	// scorer predicts no counts (a logistic churn score does not).
	Expected []float64
}

// LeaderboardOptions tunes Leaderboard; the zero value is the default.
type LeaderboardOptions struct {
	// MaxFrequency is the last calibration-frequency group of the
	// purchases table (it holds that many repeat purchases or more);
	// 0 means 7, as in Fader, Hardie & Lee (2005, Figure 4).
	MaxFrequency int
	// CalibrationBins is the number of equal-width bins of the calibration
	// curve of P(no purchase); 0 means 10.
	CalibrationBins int
}

// LeaderboardRow is one contender's results.
type LeaderboardRow struct {
	Name string
	// Purchases compares expected with actual holdout purchases (totals,
	// MAE, RMSE, correlation and the by-frequency table); nil when the
	// contender predicts no counts.
	Purchases *clv.HoldoutEvaluation
	// P(no purchase in the holdout) against "made no holdout purchase":
	MeanNoPurchase   float64 // mean score, to compare with ShareWithout
	AUC              float64 // WeightedAUC
	AveragePrecision float64
	Brier            float64
	LogLoss          float64
	Calibration      []CalibrationBin
	// AUCAlive is the AUC of P(alive) with "made a holdout purchase" as
	// the positive class; NaN for contenders without a Model.
	AUCAlive float64
	// AUCExpected is the AUC of the expected holdout purchases with the
	// same positive class; NaN without Model or Expected.
	AUCExpected float64
}

// LeaderboardTable is the result of Leaderboard.
type LeaderboardTable struct {
	Customers    float64 // Σ weights
	ShareWithout float64 // weighted share of customers without a holdout purchase
	Rows         []LeaderboardRow
}

// Leaderboard scores every contender on the same calibration/holdout
// customers and compares them on one table: the count forecast (as
// clv.EvaluateHoldout) for contenders that predict counts, and, for all
// of them, the discrimination and calibration of P(no purchase in the
// holdout) as a churn score, the label being "no purchase in the holdout"
// (HoldoutPurchases == 0). For BTYD models P(no purchase) is the ratio
// L(x, t_x, T+t)/L(x, t_x, T) (ProbNoPurchase), which — unlike P(alive),
// which is 1 for every one-time buyer of a BG/NBD — ranks customers by
// how likely they are to be seen again (on CDNOW the BG/NBD's P(alive) has
// AUC 0.32 for "buys in the holdout", its P(no purchase) 0.76).
//
// Every metric weights customer i by cs[i].Weight (0 means 1). AUCs are
// Mann–Whitney with ties counted ½. cs and the contenders' slices are
// only read.
//
// Errors: *clv.DataError wrapping clv.ErrEmpty for no customers or no
// contenders, and clv.ErrInvalid naming the row and field of a bad
// customer row (as clv.EvaluateHoldout), of a NoPurchase score outside
// [0, 1] or NaN, of an Expected count that is negative or not finite, a
// contender with both or neither of Model and NoPurchase or with a slice
// of the wrong length (Row = contender index, Field "Contender.…"), a
// negative option, or a holdout where every customer, or none, made a
// purchase (no AUC exists).
func Leaderboard(cs []clv.HoldoutCustomer, contenders []Contender, opt *LeaderboardOptions) (LeaderboardTable, error) {
	const fn = "churn.Leaderboard"
	var o LeaderboardOptions
	if opt != nil {
		o = *opt
	}
	switch {
	case o.MaxFrequency < 0:
		return LeaderboardTable{}, fault.New(fn, -1, "MaxFrequency", clv.ErrInvalid, "is %d, want ≥ 0", o.MaxFrequency)
	case o.CalibrationBins < 0:
		return LeaderboardTable{}, fault.New(fn, -1, "CalibrationBins", clv.ErrInvalid, "is %d, want ≥ 0", o.CalibrationBins)
	case len(cs) == 0:
		return LeaderboardTable{}, fault.New(fn, -1, "", clv.ErrEmpty, "no customers")
	case len(contenders) == 0:
		return LeaderboardTable{}, fault.New(fn, -1, "contenders", clv.ErrEmpty, "no contenders")
	}
	if o.MaxFrequency == 0 {
		o.MaxFrequency = 7
	}
	if o.CalibrationBins == 0 {
		o.CalibrationBins = 10
	}
	n := len(cs)
	// The holdout rows are checked as clv.EvaluateHoldout checks them.
	if _, err := clv.EvaluateHoldoutPredictions(cs, make([]float64, n), 0); err != nil {
		return LeaderboardTable{}, restate(fn, "", err)
	}
	weights := make([]float64, n)
	without := make([]bool, n) // the churn label
	bought := make([]bool, n)
	var total, totalWithout float64
	for i, h := range cs {
		weights[i] = h.Weight
		if weights[i] == 0 {
			weights[i] = 1
		}
		without[i] = h.HoldoutPurchases == 0
		bought[i] = !without[i]
		total += weights[i]
		if without[i] {
			totalWithout += weights[i]
		}
	}
	if totalWithout == 0 || totalWithout == total {
		return LeaderboardTable{}, fault.New(fn, -1, "HoldoutPurchases", clv.ErrInvalid,
			"every customer is in one class (%v of %v without a holdout purchase): no AUC exists", totalWithout, total)
	}
	tab := LeaderboardTable{Customers: total, ShareWithout: totalWithout / total}
	for k, c := range contenders {
		row, err := c.evaluate(fn, k, cs, weights, without, bought, o)
		if err != nil {
			return LeaderboardTable{}, err
		}
		tab.Rows = append(tab.Rows, row)
	}
	return tab, nil
}

// restate re-issues a *clv.DataError from a clv function as fn's own,
// with the same row and the field replaced when field is not empty.
func restate(fn, field string, err error) error {
	var de *clv.DataError
	if !errors.As(err, &de) {
		return err
	}
	if field == "" {
		field = de.Field
	}
	return fault.New(fn, de.Row, field, de.Err, "%s", de.Reason)
}

// evaluate scores contender k and fills its row.
func (c Contender) evaluate(fn string, k int, cs []clv.HoldoutCustomer, weights []float64, without, bought []bool, o LeaderboardOptions) (LeaderboardRow, error) {
	row := LeaderboardRow{Name: c.Name, AUCAlive: math.NaN(), AUCExpected: math.NaN()}
	noPurchase, expected := c.NoPurchase, c.Expected
	n := len(cs)
	switch {
	case c.Model != nil && (c.NoPurchase != nil || c.Expected != nil):
		return row, fault.New(fn, k, "Contender.Model", clv.ErrInvalid, "%q has a Model and precomputed scores: give one or the other", c.Name)
	case c.Model == nil && c.NoPurchase == nil:
		return row, fault.New(fn, k, "Contender.NoPurchase", clv.ErrInvalid, "%q has neither a Model nor NoPurchase scores", c.Name)
	case c.Model == nil && len(c.NoPurchase) != n:
		return row, fault.New(fn, k, "Contender.NoPurchase", clv.ErrInvalid, "%q has %d scores, want one per customer (%d)", c.Name, len(c.NoPurchase), n)
	case c.Expected != nil && len(c.Expected) != n:
		return row, fault.New(fn, k, "Contender.Expected", clv.ErrInvalid, "%q has %d counts, want one per customer (%d)", c.Name, len(c.Expected), n)
	}
	if c.Model != nil {
		noPurchase, expected = make([]float64, n), make([]float64, n)
		alive := make([]float64, n)
		parallel.For(n, modelScoreCost, func(_, lo, hi int) {
			for i, h := range cs[lo:hi] {
				noPurchase[lo+i] = c.Model.ProbNoPurchase(h.Customer, h.HoldoutT)
				expected[lo+i] = c.Model.ConditionalExpectedPurchases(h.Customer, h.HoldoutT)
				alive[lo+i] = c.Model.PAlive(h.Customer)
			}
		})
		row.AUCAlive = WeightedAUC(alive, bought, weights)
	}
	var sum float64
	for i, p := range noPurchase {
		if !(p >= 0 && p <= 1) {
			return row, fault.New(fn, i, "Contender.NoPurchase", clv.ErrInvalid, "%q scores %v, want a probability in [0, 1]", c.Name, p)
		}
		sum += weights[i] * p
	}
	row.MeanNoPurchase = sum / weightSum(weights)
	if expected != nil {
		ev, err := clv.EvaluateHoldoutPredictions(cs, expected, o.MaxFrequency)
		if err != nil {
			return row, restate(fn, "Contender.Expected", err)
		}
		row.Purchases = &ev
		row.AUCExpected = WeightedAUC(expected, bought, weights)
	}
	row.AUC = WeightedAUC(noPurchase, without, weights)
	row.AveragePrecision = AveragePrecision(noPurchase, without, weights)
	row.Brier = Brier(noPurchase, without, weights)
	row.LogLoss = LogLoss(noPurchase, without, weights)
	var err error
	row.Calibration, err = calibration(fn, noPurchase, without, weights, o.CalibrationBins, UniformBins)
	return row, err
}

// weightSum returns Σ w.
func weightSum(w []float64) float64 {
	var s float64
	for _, v := range w {
		s += v
	}
	return s
}
