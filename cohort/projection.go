package cohort

import (
	"errors"
	"fmt"

	"github.com/ltvgo/ltv/clv"
)

// SurvivalModel is a retention curve at whole periods: S(t) is the share
// of a cohort still active after t periods, S(0) = 1.
// clv.ShiftedBetaGeometric and Trend satisfy it.
type SurvivalModel interface {
	Survival(t int) float64
}

// Projection holds the models fitted to one young cohort's survival curve
// for projecting it beyond the periods observed.
type Projection struct {
	SBG    clv.ShiftedBetaGeometric
	Fit    clv.Fit // the sBG maximum-likelihood fit
	Trends []Trend // the Linear, Quadratic, Exponential and Power baselines, in that order
}

// ProjectRetention fits, to a cohort's counts alive[t] of customers still
// active at the start of period t (alive[0] the cohort size, t = 0..k),
// the sBG model by maximum likelihood (clv.FitShiftedBetaGeometric) and
// the four regression baselines of Fader & Hardie (2007) by least squares
// to the survival points S(t) = alive[t]/alive[0] for t = 1..k (S(0) = 1
// holds by definition and ln t is undefined at 0, so, as in the paper,
// only observed periods are fitted). alive and opt are not modified or
// kept.
//
// Fader & Hardie's finding, which the tests reproduce on their data, is
// that the sBG projects later periods far better than any of the
// regressions, whose fit to the observed periods says nothing about their
// extrapolation.
//
// For a transaction log, Tables.Alive gives the counts of one cohort.
//
// Errors: those of clv.FitShiftedBetaGeometric (a cohort that no one, or
// everyone, leaves has no interior optimum: the limiting sBG comes back
// with its *clv.BoundaryError, a fit that stops early with an error
// wrapping clv.ErrNotConverged, and the baselines are still fitted); those of
// FitTrend for the baselines (k ≥ 3 points are needed for the quadratic,
// and S(t) > 0 for the exponential and power).
func ProjectRetention(alive []float64, opt *clv.FitOptions) (*Projection, error) {
	model, fit, sbgErr := clv.FitShiftedBetaGeometric(alive, opt)
	if sbgErr != nil && !errors.Is(sbgErr, clv.ErrNotConverged) && !errors.Is(sbgErr, clv.ErrBoundary) {
		return nil, sbgErr
	}
	p := &Projection{SBG: model, Fit: fit}
	k := len(alive) - 1
	t := make([]float64, k)
	s := make([]float64, k)
	for i := range k {
		t[i] = float64(i + 1)
		s[i] = alive[i+1] / alive[0]
	}
	for _, f := range []Form{Linear, Quadratic, Exponential, Power} {
		tr, err := FitTrend(f, t, s)
		if err != nil {
			return nil, fmt.Errorf("cohort.ProjectRetention: %v baseline: %w", f, err)
		}
		p.Trends = append(p.Trends, tr)
	}
	return p, sbgErr
}

// Alive returns cohort row's counts of customers active in period k or
// later (the Surviving table) over the periods it has observed, the input
// of ProjectRetention. For a non-contractual business this reads "has not
// yet made a last purchase" as "alive"; the last observed counts are low
// by the customers who will return after the end of data.
//
// Special cases are:
//
//	Alive(row) = nil if row is not a cohort row (outside [0, len(c.Observed)))
func (c *Tables) Alive(row int) []float64 {
	if row < 0 || row >= len(c.Observed) {
		return nil
	}
	return append([]float64(nil), c.Surviving.Cells[row][:c.Observed[row]]...)
}
