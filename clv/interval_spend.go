package clv

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/ltvgo/ltv/internal/fault"
)

// spendSpace is the spend model's parameter vector θ_S in its Fit.Cov's
// order (p, q, γ, then a GammaGammaCov's coefficients δ) and the
// customers' Gamma-Gamma models as functions of it: one model for every
// customer, or, with spend covariates, one per distinct covariate row z_g,
// with γ_g = γ·exp(δ·z_g). Gradients in a group model's (p, q, γ_g) go
// back to θ_S through the link, ∂γ_g/∂γ = γ_g/γ and ∂γ_g/∂δ_j = γ_g·z_gj.
type spendSpace struct {
	theta []float64
	// z is each group's covariate row, nil for one group without
	// covariates; groupOf is each customer's group, nil when all share
	// group 0.
	z       [][]float64
	groupOf []int32
	cov     SpendCovariates // the caller's, for the bootstrap's refits
}

// plainSpend is the space of a Gamma-Gamma without covariates.
func plainSpend(m GammaGamma) *spendSpace {
	return &spendSpace{theta: []float64{m.P, m.Q, m.Gamma}}
}

// covSpend returns the space of m for the n customers of cov, or a
// *DataError naming a bad row or field of cov.
func covSpend(fn string, m GammaGammaCov, cov SpendCovariates, n int) (*spendSpace, error) {
	if m.Names != nil && cov.Names != nil && !slices.Equal(m.Names, cov.Names) {
		return nil, fault.New(fn, -1, "SpendCovariates.Names", ErrInvalid, "is %q, but the model was fitted with %q", cov.Names, m.Names)
	}
	cols, err := cov.columns(fn, n)
	if err != nil {
		return nil, err
	}
	if cols != len(m.Spend) {
		return nil, fault.New(fn, -1, "SpendCovariates.Spend", ErrInvalid, "has %d columns, want the model's %d", cols, len(m.Spend))
	}
	for j, v := range m.Spend {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fault.New(fn, -1, "spend.Spend", ErrInvalid, "[%d] is %v, want a finite coefficient", j, v)
		}
	}
	s := &spendSpace{theta: append([]float64{m.P, m.Q, m.Gamma}, m.Spend...), cov: cov}
	if cols > 0 {
		ids, first := rowIDs(cov.Spend, cols, n)
		s.groupOf, s.z = ids, pick(cov.Spend, first)
	}
	return s, nil
}

// group returns customer i's group.
func (s *spendSpace) group(i int) int {
	if s.groupOf == nil {
		return 0
	}
	return int(s.groupOf[i])
}

// groupsOf returns the groups of the customers at members (nil: all of
// them), nil when every customer is in group 0.
func (s *spendSpace) groupsOf(members []int32) []int32 {
	if s.groupOf == nil || members == nil {
		return s.groupOf
	}
	out := make([]int32, len(members))
	for k, i := range members {
		out[k] = s.groupOf[i]
	}
	return out
}

// model returns group g's model at parameters th.
func (s *spendSpace) model(th []float64, g int) GammaGamma {
	m := GammaGamma{P: th[0], Q: th[1], Gamma: th[2]}
	if s.z != nil {
		m.Gamma = scale(th[2], 1, th[3:], s.z[g])
	}
	return m
}

// lift writes J_g'·gg into grad (len(θ_S)): gg, a gradient in group g's
// (p, q, γ_g), carried to θ_S.
func (s *spendSpace) lift(grad []float64, g int, gg []float64) {
	grad[0], grad[1], grad[2] = gg[0], gg[1], gg[2]
	if s.z == nil {
		return
	}
	gammaG := s.model(s.theta, g).Gamma
	grad[2] = gg[2] * gammaG / s.theta[2]
	for j, z := range s.z[g] {
		grad[3+j] = gg[2] * gammaG * z
	}
}

// draw returns iv.Draws vectors θ_S drawn as DrawSpendModels draws them
// (coefficients on their own scale), from iv.Seed's spend stream, or
// ErrUndefined when q ≤ 1.
func (s *spendSpace) draw(fn string, cov [][]float64, iv IntervalOptions) ([][]float64, error) {
	if m := s.model(s.theta, 0); !m.valid() || m.Q <= 1 {
		return nil, fault.New(fn, -1, "spend", ErrUndefined, "is %+v: the mean spend p·γ/(q−1) needs q > 1", m)
	}
	lower := make([]float64, len(s.theta))
	lower[1] = 1
	return drawParams(fn, "spendFit.Cov", s.theta, lower, 3, cov, iv.Draws, rand.New(rand.NewPCG(iv.Seed, spendStream)))
}

// refit fits the spend model again to cs, customers at the rows of the
// caller's slice (for their covariates), from θ_S, and returns the new θ_S.
func (s *spendSpace) refit(cs []Customer, rows []int) ([]float64, error) {
	opt := &FitOptions{Start: s.theta}
	if s.cov.Spend == nil && s.cov.Names == nil {
		m, _, err := FitGammaGamma(cs, opt)
		if err != nil && !errors.Is(err, ErrBoundary) {
			return nil, err
		}
		return []float64{m.P, m.Q, m.Gamma}, err
	}
	m, _, err := FitGammaGammaCov(cs, SpendCovariates{Spend: pick(s.cov.Spend, rows), Names: s.cov.Names}, opt)
	if err != nil && !errors.Is(err, ErrBoundary) {
		return nil, err
	}
	return append([]float64{m.P, m.Q, m.Gamma}, m.Spend...), err
}
