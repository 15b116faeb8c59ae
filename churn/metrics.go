package churn

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/ltvgo/ltv/clv"
	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
)

// LogLossEpsilon is the clipping bound of LogLoss: probabilities are
// clipped to [ε, 1−ε] with ε the float64 machine epsilon 2^−52, as
// scikit-learn ≥ 1.5 does (earlier versions used 1e-15).
const LogLossEpsilon = 0x1p-52

// tieGroup is one set of equal scores with its weighted positives (tp) and
// negatives (fp).
type tieGroup struct {
	score, tp, fp float64
}

// metricWeightShift validates weights (nil means 1) and returns the power of two
// that brings the largest into [1, 2), so that weighted sums neither
// overflow nor lose digits in the subnormal range; every metric here is a
// ratio of such sums and so does not change. ok is false when a weight is
// negative, NaN or +Inf.
func metricWeightShift(weights []float64) (shift int, ok bool) {
	var maxW float64
	for _, w := range weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			return 0, false
		}
		maxW = max(maxW, w)
	}
	if maxW == 0 {
		return 0, true
	}
	_, e := math.Frexp(maxW)
	return 1 - e, true
}

// tieGroups returns the tie groups of scores in descending order of score
// and the weighted totals P and N, with the weights scaled by a power of
// two (metricWeightShift). ok is false when the slice lengths differ, a
// score is NaN, a weight is negative or not finite, or a class has no
// weight.
func tieGroups(scores []float64, positive []bool, weights []float64) (groups []tieGroup, P, N float64, ok bool) {
	if !sameLengths(len(scores), positive, weights) {
		return nil, 0, 0, false
	}
	shift, ok := metricWeightShift(weights)
	if !ok {
		return nil, 0, 0, false
	}
	order := make([]int, len(scores))
	for i, s := range scores {
		if math.IsNaN(s) {
			return nil, 0, 0, false
		}
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	for _, i := range order {
		w := 1.0
		if weights != nil {
			w = math.Ldexp(weights[i], shift)
		}
		if len(groups) == 0 || groups[len(groups)-1].score != scores[i] {
			groups = append(groups, tieGroup{score: scores[i]})
		}
		g := &groups[len(groups)-1]
		if positive[i] {
			g.tp += w
		} else {
			g.fp += w
		}
	}
	// P and N are summed group by group, in the order in which ROC, KS and
	// AP accumulate them, so that their running sums end at exactly P and
	// N (a rate of 1 + 2^−52 otherwise).
	for _, g := range groups {
		P += g.tp
		N += g.fp
	}
	return groups, P, N, P > 0 && N > 0
}

// sameLengths reports whether the labels, and the weights unless nil, have
// n rows.
func sameLengths(n int, positive []bool, weights []float64) bool {
	return len(positive) == n && (weights == nil || len(weights) == n)
}

// labelsError returns the *clv.DataError of function fn for labels
// positive that do not match n rows, or nil.
func labelsError(fn string, n int, positive []bool) error {
	if len(positive) != n {
		return fault.New(fn, -1, "positive", clv.ErrInvalid, "has %d labels for %d rows", len(positive), n)
	}
	return nil
}

// AUC returns the area under the ROC curve of scores (higher = more likely
// churn) against positive (true = churned): the probability that a random
// churner scores above a random non-churner, ties counting ½
// (Mann–Whitney). It is WeightedAUC with unit weights.
func AUC(scores []float64, positive []bool) float64 { return WeightedAUC(scores, positive, nil) }

// WeightedAUC returns the ROC AUC with case weights (nil means 1):
// Σ_{pos i, neg j} w_i·w_j·(1[s_i > s_j] + ½·1[s_i = s_j]) / (P·N).
//
// Special cases are: NaN when the slice lengths differ (weights nil
// aside), a score is NaN, a weight is negative or not finite, or one class
// has no weight (no rows included). ±Inf scores rank as the largest and
// smallest. Only the ratios of the weights matter: they are scaled by a
// power of two internally, so weights near the ends of the float64 range
// neither overflow nor underflow. The inputs are only read.
func WeightedAUC(scores []float64, positive []bool, weights []float64) float64 {
	groups, P, N, ok := tieGroups(scores, positive, weights)
	if !ok {
		return math.NaN()
	}
	// Σ_g (tp_g/P)·(negatives below g + ½·fp_g)/N, in that order so that
	// no product of two small sums can underflow.
	var area, negAbove float64
	for _, g := range groups {
		negBelow := N - negAbove - g.fp
		area += g.tp / P * ((negBelow + 0.5*g.fp) / N)
		negAbove += g.fp
	}
	return min(area, 1)
}

// ROCPoint is one point of a ROC curve: flagging every row with score ≥
// Threshold gives false and true positive rates FPR and TPR.
type ROCPoint struct {
	Threshold, FPR, TPR float64
}

// ROC returns the ROC curve with one point per distinct score, in
// decreasing threshold order, after a first point (+Inf, 0, 0). Unlike
// scikit-learn's roc_curve, collinear points are kept. Weights may be nil.
// It returns nil in the special cases of WeightedAUC.
func ROC(scores []float64, positive []bool, weights []float64) []ROCPoint {
	groups, P, N, ok := tieGroups(scores, positive, weights)
	if !ok {
		return nil
	}
	out := make([]ROCPoint, 0, len(groups)+1)
	out = append(out, ROCPoint{Threshold: math.Inf(1)})
	var tp, fp float64
	for _, g := range groups {
		tp += g.tp
		fp += g.fp
		out = append(out, ROCPoint{Threshold: g.score, FPR: fp / N, TPR: tp / P})
	}
	return out
}

// AveragePrecision returns the step-wise average precision of
// scikit-learn, AP = Σ_g (R_g − R_{g−1})·Prec_g over tie groups g in
// decreasing score order (not the trapezoidal area). Weights may be nil.
// Special cases as WeightedAUC.
func AveragePrecision(scores []float64, positive []bool, weights []float64) float64 {
	groups, P, _, ok := tieGroups(scores, positive, weights)
	if !ok {
		return math.NaN()
	}
	var ap, tp, fp float64
	for _, g := range groups {
		tp += g.tp
		fp += g.fp
		if g.tp > 0 {
			ap += g.tp / P * tp / (tp + fp)
		}
	}
	return ap
}

// KS returns the Kolmogorov–Smirnov statistic max(TPR − FPR) over the tie
// group boundaries. Weights may be nil. Special cases as WeightedAUC.
func KS(scores []float64, positive []bool, weights []float64) float64 {
	groups, P, N, ok := tieGroups(scores, positive, weights)
	if !ok {
		return math.NaN()
	}
	var ks, tp, fp float64
	for _, g := range groups {
		tp += g.tp
		fp += g.fp
		ks = math.Max(ks, tp/P-fp/N)
	}
	return ks
}

// probLoss returns the weighted mean of loss(p_i, y_i), or NaN when the
// slice lengths differ, a probability is outside [0, 1] or NaN, a weight
// is negative or not finite, or the weights sum to 0.
func probLoss(probs []float64, positive []bool, weights []float64, loss func(p float64, y bool) float64) float64 {
	if !sameLengths(len(probs), positive, weights) {
		return math.NaN()
	}
	shift, ok := metricWeightShift(weights)
	if !ok {
		return math.NaN()
	}
	var sum, sumW float64
	for i, p := range probs {
		w := 1.0
		if weights != nil {
			w = math.Ldexp(weights[i], shift)
		}
		if !(p >= 0 && p <= 1) {
			return math.NaN()
		}
		sum += w * loss(p, positive[i])
		sumW += w
	}
	if sumW == 0 {
		return math.NaN()
	}
	return sum / sumW
}

// LogLoss returns the weighted mean negative log-likelihood
// −Σ w·[y·ln p + (1−y)·ln(1−p)]/Σw, with p clipped to [ε, 1−ε],
// ε = LogLossEpsilon. Weights may be nil. Special cases are: NaN when the
// slice lengths differ (weights nil aside), a probability is outside
// [0, 1] or NaN, a weight is negative or not finite, or the weights sum to
// 0 (including no rows). As for WeightedAUC, only the ratios of the
// weights matter.
func LogLoss(probs []float64, positive []bool, weights []float64) float64 {
	return probLoss(probs, positive, weights, func(p float64, y bool) float64 {
		p = min(max(p, LogLossEpsilon), 1-LogLossEpsilon)
		if y {
			return -math.Log(p)
		}
		return -math.Log1p(-p)
	})
}

// Brier returns the weighted mean squared error Σ w·(p − y)²/Σw of the
// probabilities. Weights may be nil. Special cases as LogLoss.
func Brier(probs []float64, positive []bool, weights []float64) float64 {
	return probLoss(probs, positive, weights, func(p float64, y bool) float64 {
		d := p - float64(b2i(y))
		return d * d
	})
}

// BinStrategy chooses the bin edges of Calibration.
type BinStrategy int

const (
	// UniformBins: edges b/B, b = 0..B.
	UniformBins BinStrategy = iota
	// QuantileBins: edges at the type-7 (linear) quantiles of the
	// probabilities at b/B, as scikit-learn's strategy="quantile".
	QuantileBins
)

// CalibrationBin is one non-empty bin of a calibration curve.
type CalibrationBin struct {
	FractionPositive float64 // mean label (weighted where the rows carry weights)
	MeanPredicted    float64 // mean probability (likewise)
	Count            int     // rows in the bin
	Weight           float64 // Σ weights of those rows; Count when unweighted
}

// Calibration returns the calibration (reliability) curve of scikit-learn's
// calibration_curve: with edges e_0..e_B, a probability p falls in the bin
// numbered #{inner edges e_1..e_{B−1} strictly below p}, so the bins are
// [e_0,e_1], (e_1,e_2], …, (e_{B−1},e_B]. Only non-empty bins are returned,
// in increasing order. Any bins ≥ 1 is allowed: the edges are computed
// as needed, so the work is O(n log n) whatever bins is. The inputs are
// only read.
//
// It returns a *clv.DataError wrapping clv.ErrEmpty for no rows and
// clv.ErrInvalid for a probability outside [0, 1] or NaN, and for bins < 1,
// an unknown strategy or labels that do not match probs (Row -1, Field
// "bins", "strategy" or "positive").
func Calibration(probs []float64, positive []bool, bins int, strategy BinStrategy) ([]CalibrationBin, error) {
	return calibration("churn.Calibration", probs, positive, nil, bins, strategy)
}

// calibration is Calibration with row weights (nil means 1; the caller
// has validated them). Quantile edges are those of the rows, unweighted.
func calibration(fn string, probs []float64, positive []bool, weights []float64, bins int, strategy BinStrategy) ([]CalibrationBin, error) {
	if err := labelsError(fn, len(probs), positive); err != nil {
		return nil, err
	}
	switch {
	case bins < 1:
		return nil, fault.New(fn, -1, "bins", clv.ErrInvalid, "is %d, want ≥ 1", bins)
	case strategy != UniformBins && strategy != QuantileBins:
		return nil, fault.New(fn, -1, "strategy", clv.ErrInvalid, "is %d, not a BinStrategy", strategy)
	case len(probs) == 0:
		return nil, fault.New(fn, -1, "probs", clv.ErrEmpty, "has no rows")
	}
	for i, p := range probs {
		if !(p >= 0 && p <= 1) {
			return nil, fault.New(fn, i, "probs", clv.ErrInvalid, "is %v, want a probability in [0, 1]", p)
		}
	}
	// The bin of p is the number of inner edges e_1..e_{B−1} strictly below
	// p: a binary search over edges computed on demand, so the work and
	// memory do not grow with bins (only non-empty bins are kept).
	var sorted []float64
	if strategy == QuantileBins {
		sorted = slices.Clone(probs)
		slices.Sort(sorted)
	}
	edge := func(b int) float64 { // e_{b+1}
		f := float64(b+1) / float64(bins)
		if strategy == QuantileBins {
			return numeric.Quantile7(sorted, f)
		}
		return f
	}
	type acc struct {
		bin     int
		y, p, w float64
		count   int
	}
	byBin := make(map[int]*acc)
	for i, p := range probs {
		b := sort.Search(bins-1, func(b int) bool { return edge(b) >= p })
		a := byBin[b]
		if a == nil {
			a = &acc{bin: b}
			byBin[b] = a
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		a.y += w * float64(b2i(positive[i]))
		a.p += w * p
		a.w += w
		a.count++
	}
	accs := slices.Collect(maps.Values(byBin))
	slices.SortFunc(accs, func(a, b *acc) int { return cmp.Compare(a.bin, b.bin) })
	out := make([]CalibrationBin, len(accs))
	for i, a := range accs {
		out[i] = CalibrationBin{FractionPositive: a.y / a.w, MeanPredicted: a.p / a.w, Count: a.count, Weight: a.w}
	}
	return out, nil
}

// GainsGroup is one row of a lift / gains table.
type GainsGroup struct {
	Count     int     // rows in the group
	Positives int     // churners in the group
	MinScore  float64 // lowest and highest score in the group
	MaxScore  float64
	Rate      float64 // Positives/Count
	Lift      float64 // Rate / overall churn rate
	Gain      float64 // cumulative capture: churners in groups 1..g / all churners
	CumLift   float64 // churn rate of groups 1..g / overall churn rate
	KS        float64 // cumulative TPR − FPR after group g
}

// Gains returns the lift and gains table for groups equal-count groups
// (10 for deciles). Rows are sorted by score, highest first, ties in input
// order (stable), and the i-th row (1-based) goes to group ⌈groups·i/n⌉, so
// a tie straddling a boundary is split between groups (a choice: kds,
// blorr and H2O each define these tables differently).
//
// It returns a *clv.DataError wrapping clv.ErrEmpty when there are fewer
// rows than groups, and clv.ErrInvalid for a NaN score, a single class,
// groups < 1 or labels that do not match scores (Row -1, Field "groups" or
// "positive"). The inputs are only read.
func Gains(scores []float64, positive []bool, groups int) ([]GainsGroup, error) {
	const fn = "churn.Gains"
	if err := labelsError(fn, len(scores), positive); err != nil {
		return nil, err
	}
	if groups < 1 {
		return nil, fault.New(fn, -1, "groups", clv.ErrInvalid, "is %d, want ≥ 1", groups)
	}
	n := len(scores)
	if n < groups {
		return nil, fault.New(fn, -1, "scores", clv.ErrEmpty, "has %d rows for %d groups", n, groups)
	}
	P := 0
	for i, s := range scores {
		if math.IsNaN(s) {
			return nil, fault.New(fn, i, "scores", clv.ErrInvalid, "is NaN")
		}
		P += b2i(positive[i])
	}
	if P == 0 || P == n {
		return nil, fault.New(fn, -1, "positive", clv.ErrInvalid, "has only one class")
	}
	order := descendingOrder(scores)
	out := make([]GainsGroup, groups)
	base := float64(P) / float64(n)
	var cumN, cumP int
	for r, i := range order {
		g := &out[(groups*(r+1)+n-1)/n-1] // ⌈groups·(r+1)/n⌉, 1-based
		if g.Count == 0 {
			g.MaxScore = scores[i]
		}
		g.MinScore = scores[i]
		g.Count++
		g.Positives += b2i(positive[i])
	}
	for gi := range out {
		g := &out[gi]
		cumN += g.Count
		cumP += g.Positives
		g.Rate = float64(g.Positives) / float64(g.Count)
		g.Lift = g.Rate / base
		g.Gain = float64(cumP) / float64(P)
		g.CumLift = float64(cumP) / float64(cumN) / base
		g.KS = g.Gain - float64(cumN-cumP)/float64(n-P)
	}
	return out, nil
}

// descendingOrder returns the row indices sorted by score, highest first,
// ties in input order.
func descendingOrder(scores []float64) []int {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	return order
}

// Confusion is a (weighted) confusion matrix. Rows flagged as churners are
// those with score ≥ the threshold.
type Confusion struct {
	TP, FP, TN, FN float64
}

// ConfusionAt returns the confusion matrix of flagging score ≥ threshold
// as churn. Weights may be nil (1 each). The inputs are only read.
//
// Special cases are: a NaN score is never flagged, and a NaN threshold
// flags nothing; every field is NaN when the slice lengths differ (weights
// nil aside) or a weight is negative, NaN or +Inf; a field is +Inf when
// its weighted count overflows.
func ConfusionAt(scores []float64, positive []bool, weights []float64, threshold float64) Confusion {
	if _, ok := metricWeightShift(weights); !ok || !sameLengths(len(scores), positive, weights) {
		nan := math.NaN()
		return Confusion{TP: nan, FP: nan, TN: nan, FN: nan}
	}
	var c Confusion
	for i, s := range scores {
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		switch flagged := s >= threshold; {
		case flagged && positive[i]:
			c.TP += w
		case flagged:
			c.FP += w
		case positive[i]:
			c.FN += w
		default:
			c.TN += w
		}
	}
	return c
}

// Accuracy returns (TP+TN)/total, NaN when the total is 0.
func (c Confusion) Accuracy() float64 { return ratio(c.TP+c.TN, c.FP+c.FN) }

// Precision returns TP/(TP+FP), NaN when nothing is flagged.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.FP) }

// Recall returns TP/(TP+FN), the true positive rate, NaN without churners.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.FN) }

// ratio returns a/(a+b) for counts a, b ≥ 0 without overflowing a+b:
// 1/(1 + b/a), NaN when both are 0 (or either is NaN).
func ratio(a, b float64) float64 {
	switch {
	case a == 0 && b == 0:
		return math.NaN()
	case a >= b:
		return 1 / (1 + b/a)
	}
	return (a / b) / (1 + a/b)
}

// BudgetThreshold returns the threshold that flags (score ≥ threshold) as
// many of the highest-scoring customers as a budget of fraction·n allows
// (rounded down), and how many it flags. When a tie straddles the budget
// boundary the whole tie is left out, so flagged never exceeds the budget;
// when nothing fits the threshold is +Inf. NaN scores are never flagged.
// scores is only read.
//
// Special cases are:
//
//	BudgetThreshold(scores, fraction) = NaN, 0 if fraction is not in [0, 1] (or is NaN)
func BudgetThreshold(scores []float64, fraction float64) (threshold float64, flagged int) {
	if !(fraction >= 0 && fraction <= 1) {
		return math.NaN(), 0
	}
	sorted := make([]float64, 0, len(scores))
	for _, s := range scores {
		if !math.IsNaN(s) {
			sorted = append(sorted, s)
		}
	}
	slices.SortFunc(sorted, func(a, b float64) int { return cmp.Compare(b, a) })
	budget := min(int(math.Floor(fraction*float64(len(scores))+1e-9)), len(sorted))
	flagged = budget
	for flagged > 0 && flagged < len(sorted) && sorted[flagged] == sorted[flagged-1] {
		flagged-- // the tie at the boundary does not fit
	}
	if flagged == 0 {
		return math.Inf(1), 0
	}
	return sorted[flagged-1], flagged
}
