package clv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/parallel"
)

// SimulationOptions configure the transaction-log simulators
// (SimulateBGNBD, SimulateMBGNBD, SimulateParetoNBD). Days are UTC days.
// Customers, Start, End and Period are required; a zero optional field
// means its default.
type SimulationOptions struct {
	// Customers is the number of customers simulated (> 0).
	Customers int
	// Start's day is the first acquisition day (not the zero Time).
	Start time.Time
	// AcquisitionDays spreads the first purchases uniformly over this many
	// days from Start's day, at a uniform time of day; 0 means 1. The
	// window must end on or before End's day.
	AcquisitionDays int
	// End is the last observed day, included, as in SummaryOptions: no
	// purchase is made after the end of End's day (not the zero Time).
	End time.Time
	// Period is the model time unit the parameters are in (rates per
	// Period, > 0), e.g. 7*24*time.Hour for the CDNOW parameters.
	Period time.Duration
	// Spend draws the amounts: each customer has ν ~ Gamma(Q, rate Gamma),
	// and each purchase costs Gamma(P, rate ν) (Fader, Hardie & Lee 2005, JMR; note 025). The zero
	// value means every Amount is 0.
	Spend GammaGamma
	// Seed makes the simulation reproducible: the same options give the
	// same log.
	Seed uint64
}

// CustomerSimulationOptions configure the summary-level simulators
// (SimulateBGNBDCustomers, SimulateMBGNBDCustomers,
// SimulateParetoNBDCustomers), which skip the transaction log. Customers
// and Period are required; a zero optional field means its default.
type CustomerSimulationOptions struct {
	// Customers is the number of summary rows (> 0).
	Customers int
	// Weeks bounds the ages: T is a whole number of weeks, uniform on
	// 1..Weeks (≥ 0); 0 means 78 (the CDNOW calibration plus holdout).
	Weeks int
	// Period is the model time unit the parameters are in; it must be a
	// whole number of days (> 0).
	Period time.Duration
	// Spend draws the repeat-purchase amounts as in SimulationOptions; the
	// zero value means Monetary is 0.
	Spend GammaGamma
	// Seed makes the simulation reproducible for any number of CPUs.
	Seed uint64
	// Continuous reports the model's own continuous-time data instead of a
	// day-based summary: every repeat purchase in (0, T] counts and Recency
	// is not rounded. Use it for parameter recovery: summarising by days
	// drops same-day repeat purchases, which biases the estimates (at the
	// CDNOW BG/NBD parameters α comes out about 5% high, r 2%).
	Continuous bool
}

// SimulateBGNBD draws a transaction log from the BG/NBD process (Fader,
// Hardie & Lee 2005, Marketing Science 24(2), §2): each customer has λ ~ Gamma(R, rate Alpha) and p ~ Beta(A, B),
// makes a first purchase at a uniform instant of the acquisition window,
// then buys as a Poisson process with rate λ per Period, and after each
// repeat purchase drops out with probability p. The log is grouped by
// customer, each in time order, with customer IDs of equal-width decimal
// numbers ("0", "1", … or "00", "01", …) so ID order is creation order.
//
// Errors: a *DataError wrapping ErrInvalid, with Row -1 and Field naming
// the first parameter that is not a finite positive number (e.g.
// "BGNBD.Alpha", "SimulationOptions.Spend.Q") or the option out of its
// domain (e.g. "SimulationOptions.Customers").
func SimulateBGNBD(m BGNBD, opt SimulationOptions) ([]Transaction, error) {
	const fn = "clv.SimulateBGNBD"
	if err := checkParams(fn, "BGNBD", bgNames, m.R, m.Alpha, m.A, m.B); err != nil {
		return nil, err
	}
	return simulateLog(fn, bgLife(m.R, m.Alpha, m.A, m.B, 1), opt)
}

// SimulateMBGNBD is SimulateBGNBD for the MBG/NBD process (Batislam,
// Denizel & Filiztekin 2007):
// the dropout coin is also tossed right after the first purchase, so a
// customer may never buy again.
func SimulateMBGNBD(m MBGNBD, opt SimulationOptions) ([]Transaction, error) {
	const fn = "clv.SimulateMBGNBD"
	if err := checkParams(fn, "MBGNBD", bgNames, m.R, m.Alpha, m.A, m.B); err != nil {
		return nil, err
	}
	return simulateLog(fn, bgLife(m.R, m.Alpha, m.A, m.B, 0), opt)
}

// SimulateParetoNBD is SimulateBGNBD for the Pareto/NBD process
// (Schmittlein, Morrison & Colombo 1987): the active lifetime after the first purchase is exponential with
// rate μ ~ Gamma(S, rate Beta) per Period.
func SimulateParetoNBD(m ParetoNBD, opt SimulationOptions) ([]Transaction, error) {
	const fn = "clv.SimulateParetoNBD"
	if err := checkParams(fn, "ParetoNBD", paretoNames, m.R, m.Alpha, m.S, m.Beta); err != nil {
		return nil, err
	}
	return simulateLog(fn, paretoLife(m), opt)
}

// SimulateBGNBDCustomers draws BTYD summaries from the BG/NBD process
// directly, without a transaction log, fast enough for 1e7 customers. By
// default it mimics Summarize of a log whose first purchase falls at a
// uniform time of its day, observed to the end of End's day: purchase
// times are continuous, but the purchases are counted on whole days, so
// Frequency counts distinct purchase days after the first, Recency is
// whole days and T = 7·(1..Weeks) days, all divided by the Period's length
// in days; Monetary is the mean spend per repeat purchase day. With
// opt.Continuous it returns the unrounded model data instead. Rows have
// IDs as in SimulateBGNBD and Weight 0.
//
// The work is shared by up to GOMAXPROCS goroutines; the result depends only on the
// options. Errors are as for SimulateBGNBD, with the options of
// CustomerSimulationOptions.
func SimulateBGNBDCustomers(m BGNBD, opt CustomerSimulationOptions) ([]Customer, error) {
	const fn = "clv.SimulateBGNBDCustomers"
	if err := checkParams(fn, "BGNBD", bgNames, m.R, m.Alpha, m.A, m.B); err != nil {
		return nil, err
	}
	return simulateCustomers(fn, bgLife(m.R, m.Alpha, m.A, m.B, 1), opt)
}

// SimulateMBGNBDCustomers is SimulateBGNBDCustomers for MBG/NBD.
func SimulateMBGNBDCustomers(m MBGNBD, opt CustomerSimulationOptions) ([]Customer, error) {
	const fn = "clv.SimulateMBGNBDCustomers"
	if err := checkParams(fn, "MBGNBD", bgNames, m.R, m.Alpha, m.A, m.B); err != nil {
		return nil, err
	}
	return simulateCustomers(fn, bgLife(m.R, m.Alpha, m.A, m.B, 0), opt)
}

// SimulateParetoNBDCustomers is SimulateBGNBDCustomers for Pareto/NBD.
func SimulateParetoNBDCustomers(m ParetoNBD, opt CustomerSimulationOptions) ([]Customer, error) {
	const fn = "clv.SimulateParetoNBDCustomers"
	if err := checkParams(fn, "ParetoNBD", paretoNames, m.R, m.Alpha, m.S, m.Beta); err != nil {
		return nil, err
	}
	return simulateCustomers(fn, paretoLife(m), opt)
}

// Parameter names of the simulated models, in checkParams order.
var (
	bgNames     = []string{"R", "Alpha", "A", "B"}
	paretoNames = []string{"R", "Alpha", "S", "Beta"}
	spendNames  = []string{"P", "Q", "Gamma"}
)

// checkParams returns a *DataError of function fn naming the first
// parameter of model (names[j] has value values[j]) that is not a finite
// positive number, or nil.
func checkParams(fn, model string, names []string, values ...float64) error {
	for j, v := range values {
		if !(v > 0) || math.IsInf(v, 1) {
			return fault.New(fn, -1, model+"."+names[j], ErrInvalid, "is %v, want a finite number > 0", v)
		}
	}
	return nil
}

// lifeModel is what the three purchase processes share: a purchase rate
// λ ~ Gamma(r, rate α). They differ only in how the end of the active
// life is drawn, which death does.
type lifeModel struct {
	shapeR gammaSampler
	alpha  float64
	// death returns the most repeat purchases the customer will make and
	// the time, in periods after the first purchase, when the customer
	// stops buying.
	death func(rng *rand.Rand) (repeats int, life float64)
}

// bgLife is the BG/NBD (minRepeats 1) or MBG/NBD (minRepeats 0) dropout:
// p ~ Beta(a, b), and the coin falls on the first toss with probability p,
// so the number of repeat purchases is geometric from minRepeats.
func bgLife(r, alpha, a, b float64, minRepeats int) lifeModel {
	ga, gb := newGammaSampler(a), newGammaSampler(b)
	return lifeModel{shapeR: newGammaSampler(r), alpha: alpha, death: func(rng *rand.Rand) (int, float64) {
		x, y := ga.draw(rng), gb.draw(rng)
		p := x / (x + y)
		// Tosses survived before the first head: ⌊ln U / ln(1−p)⌋, U ∈ (0, 1].
		tails := math.Log(1-rng.Float64()) / math.Log1p(-p)
		switch {
		case p >= 1 || x+y == 0: // p = 1, or both draws underflowed
			tails = 0
		case p <= 0 || tails >= math.MaxInt32:
			tails = math.MaxInt32
		}
		return minRepeats + int(tails), math.Inf(1)
	}}
}

// paretoLife is the Pareto/NBD dropout: a lifetime ~ Exp(μ), μ ~ Gamma(s, β).
func paretoLife(m ParetoNBD) lifeModel {
	gs := newGammaSampler(m.S)
	return lifeModel{shapeR: newGammaSampler(m.R), alpha: m.Alpha, death: func(rng *rand.Rand) (int, float64) {
		return math.MaxInt, rng.ExpFloat64() * m.Beta / gs.draw(rng)
	}}
}

// spendModel draws Gamma-Gamma amounts (Fader, Hardie & Lee 2005, JMR).
type spendModel struct {
	on         bool
	shapeP     gammaSampler
	shapeQ     gammaSampler
	gammaScale float64 // γ
}

// newSpendModel returns the spend model of g (off for the zero value), or
// a *DataError of function fn naming the first bad parameter of the option
// field.
func newSpendModel(fn, field string, g GammaGamma) (spendModel, error) {
	if g == (GammaGamma{}) {
		return spendModel{}, nil
	}
	if err := checkParams(fn, field, spendNames, g.P, g.Q, g.Gamma); err != nil {
		return spendModel{}, err
	}
	return spendModel{on: true, shapeP: newGammaSampler(g.P), shapeQ: newGammaSampler(g.Q), gammaScale: g.Gamma}, nil
}

// buyer is one simulated customer after the first purchase.
type buyer struct {
	rate  float64 // λ, purchases per period while active
	left  int     // repeat purchases still possible
	death float64 // periods after the first purchase when buying stops
	nu    float64 // Gamma-Gamma spend rate ν; 0 without spend
}

// draw returns a new customer.
func (m lifeModel) draw(rng *rand.Rand, spend spendModel) buyer {
	b := buyer{rate: m.shapeR.draw(rng) / m.alpha}
	b.left, b.death = m.death(rng)
	if spend.on {
		b.nu = spend.shapeQ.draw(rng) / spend.gammaScale
	}
	return b
}

// next returns the time of the repeat purchase after time t, or +Inf when
// there is none.
func (b *buyer) next(rng *rand.Rand, t float64) float64 {
	if b.left == 0 {
		return math.Inf(1)
	}
	t += rng.ExpFloat64() / b.rate
	if t > b.death {
		b.left = 0
		return math.Inf(1)
	}
	b.left--
	return t
}

// amount draws the value of one purchase.
func (b *buyer) amount(rng *rand.Rand, spend spendModel) float64 {
	if !spend.on {
		return 0
	}
	return spend.shapeP.draw(rng) / b.nu
}

// gammaSampler draws from Gamma(shape, rate 1) by Marsaglia & Tsang (2000,
// ACM TOMS 26(3)), with Gamma(a) = Gamma(a+1)·U^(1/a) for a < 1. It is
// gonum's distuv.Gamma method without its per-call set-up, which the
// simulators would pay several times per customer. Draws for a shape far
// below 1 may underflow to 0.
type gammaSampler struct {
	d, c     float64 // Marsaglia–Tsang constants for shape (+1 when boosted)
	invShape float64 // 1/a for the boost when a < 1, else 0
}

func newGammaSampler(shape float64) gammaSampler {
	var g gammaSampler
	if shape < 1 {
		g.invShape = 1 / shape
		shape++
	}
	g.d = shape - 1.0/3
	g.c = 1 / math.Sqrt(9*g.d)
	return g
}

func (g gammaSampler) draw(rng *rand.Rand) float64 {
	boost := 1.0
	if g.invShape != 0 {
		boost = math.Exp(math.Log(1-rng.Float64()) * g.invShape)
	}
	for {
		x := rng.NormFloat64()
		v := 1 + g.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+g.d*(1-v+math.Log(v)) {
			return boost * g.d * v
		}
	}
}

// simulateLog is the transaction-log simulator behind SimulateBGNBD and its
// siblings; fn names the caller in errors.
func simulateLog(fn string, m lifeModel, opt SimulationOptions) ([]Transaction, error) {
	const o = "SimulationOptions."
	if err := checkCommon(fn, o, opt.Customers, opt.Period); err != nil {
		return nil, err
	}
	spend, err := newSpendModel(fn, o+"Spend", opt.Spend)
	if err != nil {
		return nil, err
	}
	if opt.Start.IsZero() {
		return nil, fault.New(fn, -1, o+"Start", ErrInvalid, "is the zero Time, want the first acquisition day")
	}
	if opt.End.IsZero() {
		return nil, fault.New(fn, -1, o+"End", ErrInvalid, "is the zero Time, want the last observed day")
	}
	acqDays := max(opt.AcquisitionDays, 1)
	first := opt.Start.UTC().Truncate(24 * time.Hour)
	stop := opt.End.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour) // end of End's day
	if opt.AcquisitionDays < 0 || first.AddDate(0, 0, acqDays).After(stop) {
		return nil, fault.New(fn, -1, o+"AcquisitionDays", ErrInvalid,
			"is %d, want ≥ 0 days and a window from Start (%v) that ends by End's day (%v)", opt.AcquisitionDays, opt.Start, opt.End)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0))
	ids := customerIDs(opt.Customers)
	period := float64(opt.Period)
	txns := make([]Transaction, 0, 2*opt.Customers)
	for _, id := range ids {
		at := first.Add(time.Duration(rng.Float64() * float64(acqDays) * float64(24*time.Hour)))
		b := m.draw(rng, spend)
		horizon := float64(stop.Sub(at)) / period // periods until the end of End's day
		txns = append(txns, Transaction{CustomerID: id, At: at, Amount: b.amount(rng, spend)})
		for t := b.next(rng, 0); t < horizon; t = b.next(rng, t) {
			txns = append(txns, Transaction{CustomerID: id, At: at.Add(time.Duration(t * period)), Amount: b.amount(rng, spend)})
		}
	}
	return txns, nil
}

// simChunk is the number of customers drawn from one random stream by
// simulateCustomers, so the result does not depend on the scheduling.
const simChunk = 1 << 14

// simCustomerCost is the time simulateCustomer takes, about, for a
// customer of the BG/NBD at CDNOW's parameters over 78 weeks.
const simCustomerCost = 360 * time.Nanosecond

// simulateCustomers is the summary-level simulator behind
// SimulateBGNBDCustomers and its siblings; fn names the caller in errors.
func simulateCustomers(fn string, m lifeModel, opt CustomerSimulationOptions) ([]Customer, error) {
	const o = "CustomerSimulationOptions."
	if err := checkCommon(fn, o, opt.Customers, opt.Period); err != nil {
		return nil, err
	}
	spend, err := newSpendModel(fn, o+"Spend", opt.Spend)
	if err != nil {
		return nil, err
	}
	weeks := opt.Weeks
	if weeks == 0 {
		weeks = 78
	}
	switch {
	case weeks < 0:
		return nil, fault.New(fn, -1, o+"Weeks", ErrInvalid, "is %d, want ≥ 0 (0: 78)", weeks)
	case opt.Period%(24*time.Hour) != 0:
		return nil, fault.New(fn, -1, o+"Period", ErrInvalid, "is %v, want a whole number of days", opt.Period)
	}
	periodDays := float64(opt.Period / (24 * time.Hour))
	ids := customerIDs(opt.Customers)
	cs := make([]Customer, opt.Customers)
	streams := (opt.Customers + simChunk - 1) / simChunk
	parallel.For(streams, simChunk*simCustomerCost, func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			rng := rand.New(rand.NewPCG(opt.Seed, uint64(k)+1))
			for i := k * simChunk; i < min((k+1)*simChunk, opt.Customers); i++ {
				ageDays := 7 * (1 + rng.IntN(weeks))
				cs[i] = simulateCustomer(m, rng, spend, ageDays, periodDays, opt.Continuous)
				cs[i].ID = ids[i]
			}
		}
	})
	return cs, nil
}

// simulateCustomer draws one summary row of age ageDays whole days.
func simulateCustomer(m lifeModel, rng *rand.Rand, spend spendModel, ageDays int, periodDays float64, continuous bool) Customer {
	offset := rng.Float64() // time of day of the first purchase, in days
	b := m.draw(rng, spend)
	c := Customer{T: float64(ageDays) / periodDays}
	horizon := c.T
	if !continuous {
		horizon = (float64(ageDays+1) - offset) / periodDays // end of the last day
	}
	var lastDay int
	var repeatSpend float64
	for t := b.next(rng, 0); t < horizon; t = b.next(rng, t) {
		if continuous {
			c.Frequency++
			c.Recency = t
		} else if day := int(offset + t*periodDays); day > lastDay {
			c.Frequency++
			lastDay = day
			c.Recency = float64(day) / periodDays
		}
		if continuous || lastDay > 0 {
			repeatSpend += b.amount(rng, spend)
		}
	}
	if c.Frequency > 0 {
		c.Monetary = repeatSpend / c.Frequency
	}
	return c
}

// customerIDs returns n equal-width decimal IDs sharing one allocation.
func customerIDs(n int) []string {
	width := len(strconv.Itoa(n - 1))
	buf := make([]byte, n*width)
	for i := range n {
		v := i
		for j := (i+1)*width - 1; j >= i*width; j-- {
			buf[j] = byte('0' + v%10)
			v /= 10
		}
	}
	all := string(buf)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = all[i*width : (i+1)*width]
	}
	return ids
}

// checkCommon returns a *DataError of function fn for the options shared
// by both kinds of simulation (of the options type prefix), or nil.
func checkCommon(fn, prefix string, customers int, period time.Duration) error {
	switch {
	case customers <= 0:
		return fault.New(fn, -1, prefix+"Customers", ErrInvalid, "is %d, want > 0", customers)
	case period <= 0:
		return fault.New(fn, -1, prefix+"Period", ErrInvalid, "is %v, want the model's time unit (> 0)", period)
	}
	return nil
}
