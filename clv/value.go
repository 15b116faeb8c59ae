package clv

import (
	"math"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
)

// Calendar lengths for cash-flow periods and rate conversion.
const (
	// Month is the average calendar month, 365.25/12 days = 30.4375 days
	// (4.3482143 weeks).
	Month time.Duration = 2_629_800 * time.Second
	// Year is the average calendar year, 365.25 days.
	Year time.Duration = 31_557_600 * time.Second
)

// RatePer converts an effective annual discount rate into the equivalent
// effective rate per period: (1 + annual)^(period/Year) − 1. For example
// RatePer(0.1268, Month) ≈ 0.01.
func RatePer(annual float64, period time.Duration) float64 {
	return math.Expm1(float64(period) / float64(Year) * math.Log1p(annual))
}

// MaxHorizon bounds ValueOptions.Horizon: each period costs one prediction
// per distinct customer, and 10,000 periods is a century of weeks.
const MaxHorizon = 10_000

// ValueOptions say what Value computes. Every time is explicit: the model
// unit and the cash-flow period are Durations, so a horizon in months can
// never be read as months of weeks or days.
type ValueOptions struct {
	// Period is the model's time unit u: the SummaryOptions.Period the
	// customers were summarised with and the model was fitted on. A model
	// that records its unit (a fit with FitOptions.Period, or a Period set
	// by hand) must have this one, else the call fails with a *UnitError;
	// 0 means the model's unit. One of the two must state it.
	Period time.Duration
	// CashFlow is the discounting period Δ (default Month). The model's
	// predictions are read at multiples of f = Δ/u.
	CashFlow time.Duration
	// Horizon is the number K of cash-flow periods to value, at most
	// MaxHorizon (e.g. 12
	// months). Required, ≥ 1.
	Horizon int
	// Discount is the effective discount rate d ≥ 0 per cash-flow period
	// (use RatePer to convert an annual rate).
	Discount float64
	// Margin is the contribution per unit of revenue, in (0, 1]. Required:
	// Gamma-Gamma predicts revenue; use 1 only if the amounts are profits.
	Margin float64
}

// CustomerScore is what Score predicts for one customer over the horizon
// of its ValueOptions.
type CustomerScore struct {
	ID        string  // the customer's ID, as in the Customer row
	PAlive    float64 // P(alive) at T
	Purchases float64 // E[Y(K·f)]: expected purchases over the whole horizon
	Spend     float64 // E[Z | x, m̄]: expected revenue per purchase
	Value     float64 // discounted value over the horizon, as Value computes it
}

// Value returns each customer's discounted expected residual value over
// the horizon (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4)): the purchases after T, valued at the
// customer's expected spend per transaction times the margin, with each
// period's cash flow at its end:
//
//	CLV_i = Σ_{k=1}^{K} m·E[Z | x_i, m̄_i]·(E[Y(k·f)] − E[Y((k−1)·f)]) / (1+d)^k,   f = Δ/u
//
// E[Y] comes from model's ConditionalExpectedPurchases and E[Z] from
// spend's ConditionalExpectedSpend. It is Score reduced to the values;
// errors are Score's.
func Value(model PurchaseModel, spend GammaGamma, cs []Customer, opt ValueOptions) ([]float64, error) {
	return values(Score(model, spend, cs, opt))
}

// values returns the Value of each score, or err.
func values(scores []CustomerScore, err error) ([]float64, error) {
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(scores))
	for i, s := range scores {
		out[i] = s.Value
	}
	return out, nil
}

// Score returns, for every customer in order, P(alive), the expected
// purchases over the horizon, the expected spend per purchase and the
// discounted value (see Value). Purchase predictions are computed once per
// distinct (x, t_x, T), on up to GOMAXPROCS goroutines for large inputs,
// so scoring a large base with repeated summaries is cheap. cs is not modified.
//
// Errors: a *UnitError (wrapping ErrInvalid) when ValueOptions.Period is
// not the unit the model records (see "Units" in the package
// documentation); a *DataError wrapping ErrInvalid for a bad option or a bad
// customer (naming the row and field), ErrEmpty for no customers, or
// ErrUndefined when the models give no finite value for a customer (e.g.
// a Gamma-Gamma with q ≤ 1 and a customer without repeat purchases).
func Score(model PurchaseModel, spend GammaGamma, cs []Customer, opt ValueOptions) ([]CustomerScore, error) {
	return score("clv.Score", []PurchaseModel{model}, nil, spend, cs, opt)
}

// CustomerModel is a model type of this package that ScoreEach and
// ValueEach take one of per customer.
type CustomerModel interface {
	ParetoNBD | BGNBD | MBGNBD | BGBB
	PurchaseModel
}

// ValueEach is Value with one purchase model per customer: models[i]
// predicts the purchases of cs[i], e.g. the models of a fit with
// covariates (ParetoNBDCov.Models, BGNBDCov.Models, MBGNBDCov.Models).
// It is ScoreEach reduced to the values; errors are ScoreEach's.
func ValueEach[M CustomerModel](models []M, spend GammaGamma, cs []Customer, opt ValueOptions) ([]float64, error) {
	return values(ScoreEach(models, spend, cs, opt))
}

// ScoreEach is Score with one purchase model per customer: models[i]
// predicts the purchases of cs[i]. Predictions are computed once per
// distinct model and (x, t_x, T), so customers who share covariates share
// the work. models and cs are not modified.
//
// Errors: those of Score, and a *DataError wrapping ErrInvalid (Row −1,
// Field "models") when len(models) ≠ len(cs).
func ScoreEach[M CustomerModel](models []M, spend GammaGamma, cs []Customer, opt ValueOptions) ([]CustomerScore, error) {
	return scoreEach("clv.ScoreEach", models, []GammaGamma{spend}, cs, opt)
}

// scoreEach scores cs[i] with models[i] and spends[i] (spends[0] for
// everyone when it has one model).
func scoreEach[M CustomerModel](fn string, models []M, spends []GammaGamma, cs []Customer, opt ValueOptions) ([]CustomerScore, error) {
	if len(models) != len(cs) {
		return nil, fault.New(fn, -1, "models", ErrInvalid, "has %d models for %d customers, want one per customer", len(models), len(cs))
	}
	var distinct numbering[M]
	groupOf := make([]int32, len(models))
	for i, m := range models {
		groupOf[i] = distinct.number(m)
	}
	pms := make([]PurchaseModel, len(distinct.keys))
	for g, m := range distinct.keys {
		pms[g] = m
	}
	spendOf := func(i int) GammaGamma { return spends[i] }
	if len(spends) == 1 {
		spendOf = func(int) GammaGamma { return spends[0] }
	}
	return scoreWith(fn, pms, groupOf, spendOf, cs, opt)
}

// ScoreEachWithSpend is ScoreEach with one spend model per customer as
// well: spends[i] predicts the spend of cs[i], e.g. the models of a
// Gamma-Gamma fit with covariates (GammaGammaCov.Models), so that a
// customer's value moves with both their purchase and their spend
// covariates. models, spends and cs are not modified.
//
// Errors: those of ScoreEach, and a *DataError wrapping ErrInvalid (Row
// −1, Field "spends") when len(spends) ≠ len(cs).
func ScoreEachWithSpend[M CustomerModel](models []M, spends []GammaGamma, cs []Customer, opt ValueOptions) ([]CustomerScore, error) {
	const fn = "clv.ScoreEachWithSpend"
	if len(spends) != len(cs) {
		return nil, fault.New(fn, -1, "spends", ErrInvalid, "has %d spend models for %d customers, want one per customer", len(spends), len(cs))
	}
	return scoreEach(fn, models, spends, cs, opt)
}

// score is Score with customer i predicted by models[groupOf[i]] (by
// models[0] when groupOf is nil) and spend.
func score(fn string, models []PurchaseModel, groupOf []int32, spend GammaGamma, cs []Customer, opt ValueOptions) ([]CustomerScore, error) {
	return scoreWith(fn, models, groupOf, func(int) GammaGamma { return spend }, cs, opt)
}

// scoreWith is score with spendOf(i) the spend model of customer i.
func scoreWith(fn string, models []PurchaseModel, groupOf []int32, spendOf func(int) GammaGamma, cs []Customer, opt ValueOptions) ([]CustomerScore, error) {
	opt, err := opt.resolve(fn, models...)
	if err != nil {
		return nil, err
	}
	table, rowOf, err := valueRows(fn, cs, groupOf)
	if err != nil {
		return nil, err
	}
	f := float64(opt.CashFlow) / float64(opt.Period)
	perRow := scoreRows(models, table.rows, table.groups, f, opt.Horizon, opt.Discount)

	out := make([]CustomerScore, len(cs))
	for i, c := range cs {
		s := perRow[rowOf[i]] // Value holds the discounted purchases here
		s.ID = c.ID
		spend := spendOf(i)
		s.Spend = spend.ConditionalExpectedSpend(c)
		s.Value *= opt.Margin * s.Spend
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			return nil, fault.New(fn, i, "", ErrUndefined, "has no finite value under %+v and %+v", models[table.groups[rowOf[i]]], spend)
		}
		out[i] = s
	}
	return out, nil
}

// resolve returns opt with its defaults filled in and Period the unit of
// the models, or the error naming the first bad setting (a *UnitError for
// a Period that is not the models').
func (opt ValueOptions) resolve(fn string, models ...PurchaseModel) (ValueOptions, error) {
	if opt.CashFlow == 0 {
		opt.CashFlow = Month
	}
	if opt.Period < 0 {
		return opt, fault.New(fn, -1, "ValueOptions.Period", ErrInvalid, "is %v, want the model's time unit (> 0)", opt.Period)
	}
	period, err := unitOf(fn, opt.Period, models)
	if err != nil {
		return opt, err
	}
	opt.Period = period
	switch {
	case opt.Period == 0:
		return opt, fault.New(fn, -1, "ValueOptions.Period", ErrInvalid, "is 0 and the model states no Period: want the model's time unit (> 0)")
	case opt.CashFlow < 0:
		return opt, fault.New(fn, -1, "ValueOptions.CashFlow", ErrInvalid, "is %v, want > 0", opt.CashFlow)
	case opt.Horizon < 1 || opt.Horizon > MaxHorizon:
		return opt, fault.New(fn, -1, "ValueOptions.Horizon", ErrInvalid, "is %d, want 1 to %d cash-flow periods", opt.Horizon, MaxHorizon)
	case !(opt.Discount >= 0) || math.IsInf(opt.Discount, 1):
		return opt, fault.New(fn, -1, "ValueOptions.Discount", ErrInvalid, "is %v, want ≥ 0", opt.Discount)
	case !(opt.Margin > 0 && opt.Margin <= 1):
		return opt, fault.New(fn, -1, "ValueOptions.Margin", ErrInvalid, "is %v, want in (0, 1] (1 if amounts are profits)", opt.Margin)
	}
	return opt, nil
}

// valueRows validates cs for a purchase and a spend model and returns its
// distinct (x, t_x, T) rows (weights counting customers, not Weight) and
// each customer's row; customer i's row is in group groupOf[i] (group 0
// when groupOf is nil).
func valueRows(fn string, cs []Customer, groupOf []int32) (rowTable, []int32, error) {
	var table rowTable
	if len(cs) == 0 {
		return table, nil, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	rowOf := make([]int32, len(cs))
	for i, c := range cs {
		if err := checkValueCustomer(fn, i, c); err != nil {
			return table, nil, err
		}
		var g int32
		if groupOf != nil {
			g = groupOf[i]
		}
		rowOf[i] = int32(table.add(row{c.Frequency, c.Recency, c.T, 1}, g))
	}
	return table, rowOf, nil
}

// checkValueCustomer validates customer i of cs for a purchase and a
// spend model.
func checkValueCustomer(fn string, i int, c Customer) error {
	if err := checkCustomer(fn, i, c, false); err != nil {
		return err
	}
	return checkSpend(fn, i, c)
}

// discounted returns the cumulative expectation e(K) at the horizon and
// its discounted increments Σ_{k=1}^{K} (e(k) − e(k−1))/(1+d)^k, e(0) = 0:
// the cash flow of each period at its end (Value's formula without E[Z]).
func discounted(periods int, d float64, e func(k int) float64) (last, sum float64) {
	disc := 1.0
	for k := 1; k <= periods; k++ {
		cur := e(k)
		disc /= 1 + d
		sum += (cur - last) * disc
		last = cur
	}
	return last, sum
}

// scoreRows returns, per row j (predicted by models[groups[j]]), P(alive),
// E[Y(K·f)] and, in Value, the discounted purchases
// Σ_k (E[Y(k·f)] − E[Y((k−1)·f)])/(1+d)^k, in parallel for large
// inputs.
func scoreRows(models []PurchaseModel, rows []row, groups []int32, f float64, horizon int, d float64) []CustomerScore {
	out := make([]CustomerScore, len(rows))
	parallel.For(len(rows), time.Duration(horizon+1)*modelCallCost, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			model := models[groups[i]]
			c := Customer{Frequency: rows[i].x, Recency: rows[i].tx, T: rows[i].t}
			last, sum := discounted(horizon, d, func(k int) float64 { return model.ConditionalExpectedPurchases(c, float64(k)*f) })
			out[i] = CustomerScore{PAlive: model.PAlive(c), Purchases: last, Value: sum}
		}
	})
	return out
}

// modelCallCost is the time of one PAlive or ConditionalExpectedPurchases
// call of a purchase model, at the low end (0.15–0.3 µs for the BG/NBD,
// ~0.4 µs for the Pareto/NBD): chunks then come out longer, not shorter,
// than parallel.ChunkWork.
const modelCallCost = 150 * time.Nanosecond
