package clv

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/ltvgo/ltv/internal/fault"
)

// paramSpace is the parameter vector θ of a fit, in Fit.Cov's order, and
// the customers' purchase models as functions of it: one model for every
// customer, or, with covariates, one per covariate group. The interval
// machinery works group by group, each group's model seen as a point of
// its own four-parameter space with covariance J_g·Σ·J_g', J_g = ∂θ_g/∂θ,
// and carries the gradients of totals back to θ by J_g'.
type paramSpace struct {
	theta []float64
	nLog  int // θ_j > 0 for j < nLog, drawn on the log scale; the rest (coefficients) on their own
	// groupOf is each customer's group, nil when all share group 0;
	// groups is the number of groups.
	groupOf []int32
	groups  int
	// model returns group g's model at parameters th.
	model func(th []float64, g int) parametric
	// jac returns J_g at θ (rows: the group model's parameters); nil
	// means the identity.
	jac func(g int) [][]float64
	// refit fits the model again to cs, customers at the rows of the
	// caller's slice (for their covariates), from θ, and returns the new θ.
	refit func(cs []Customer, rows []int) ([]float64, error)
}

// baseSpace is the space of a model without covariates.
func baseSpace(m parametric) *paramSpace {
	th := m.params()
	return &paramSpace{theta: th, nLog: len(th), groups: 1,
		model: func(th []float64, _ int) parametric { return m.withParams(th) },
		refit: func(cs []Customer, _ []int) ([]float64, error) {
			opt := &FitOptions{Start: th}
			var fitted parametric
			var err error
			switch m.(type) {
			case BGNBD:
				fitted, _, err = FitBGNBD(cs, opt)
			case MBGNBD:
				fitted, _, err = FitMBGNBD(cs, opt)
			case ParetoNBD:
				fitted, _, err = FitParetoNBD(cs, opt)
			case BGBB:
				fitted, _, err = FitBGBB(cs, opt)
			default:
				return nil, fmt.Errorf("no refit for a %T", m)
			}
			return fitted.params(), err
		}}
}

// members returns the customers of each group in order (nil for the one
// group of a space without groups: all of them).
func (s *paramSpace) members() [][]int32 {
	out := make([][]int32, s.groups)
	if s.groupOf == nil {
		return out
	}
	for i, g := range s.groupOf {
		out[g] = append(out[g], int32(i))
	}
	return out
}

// groupCov returns group g's covariance J_g·Σ·J_g'.
func (s *paramSpace) groupCov(g int, cov [][]float64) [][]float64 {
	if s.jac == nil {
		return cov
	}
	j := s.jac(g)
	out := make([][]float64, len(j))
	for a, ja := range j {
		out[a] = make([]float64, len(j))
		for b, jb := range j {
			for k, x := range ja {
				if x == 0 {
					continue
				}
				for l, y := range jb {
					out[a][b] += x * cov[k][l] * y
				}
			}
		}
	}
	return out
}

// addGrad adds J_g'·gg, a gradient in group g's parameters carried to θ,
// into grad.
func (s *paramSpace) addGrad(grad []float64, g int, gg []float64) {
	if s.jac == nil {
		for k, v := range gg {
			grad[k] += v
		}
		return
	}
	for a, row := range s.jac(g) {
		for k, x := range row {
			grad[k] += x * gg[a]
		}
	}
}

// draw returns iv.Draws parameter vectors θ drawn from the fit's
// asymptotic normal distribution, the first nLog on the log scale (see
// DrawModels), from iv.Seed's purchase stream.
func (s *paramSpace) draw(fn string, cov [][]float64, iv IntervalOptions) ([][]float64, error) {
	return drawParams(fn, "fit.Cov", s.theta, nil, s.nLog, cov, iv.Draws, rand.New(rand.NewPCG(iv.Seed, purchaseStream)))
}

// groupModels returns group g's model at every parameter vector of thetas.
func (s *paramSpace) groupModels(thetas [][]float64, g int) []parametric {
	out := make([]parametric, len(thetas))
	for d, th := range thetas {
		out[d] = s.model(th, g)
	}
	return out
}

// subset returns the customers of cs at members (cs itself for nil).
func subset(cs []Customer, members []int32) []Customer {
	if members == nil {
		return cs
	}
	out := make([]Customer, len(members))
	for k, i := range members {
		out[k] = cs[i]
	}
	return out
}

// callerRow returns err with the row of a *DataError about subset(cs,
// members) turned into the caller's row.
func callerRow(err error, members []int32) error {
	var de *DataError
	if members == nil || !errors.As(err, &de) || de.Row < 0 {
		return err
	}
	c := *de
	c.Row = int(members[de.Row])
	return &c
}

// spaceOf returns the parameter space of a purchase model of this package,
// or a *DataError naming "model".
func spaceOf(fn string, model PurchaseModel) (*paramSpace, error) {
	m, ok := model.(parametric)
	if !ok {
		return nil, fault.New(fn, -1, "model", ErrInvalid, "is a %T, want a purchase model of package clv", model)
	}
	return baseSpace(m), nil
}
