package clv

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ltvgo/ltv/internal/fault"
	"github.com/ltvgo/ltv/internal/numeric"
)

// Covariates are static (time-invariant) customer covariates for
// FitParetoNBDCov, FitBGNBDCov and FitMBGNBDCov, in the parameterisation
// of CLVTools 0.12.1 (Bachmann, Meierer & Näf 2021, "The Role of
// Time-Invariant Covariates in Customer-Base Analysis", Marketing Science
// 40(4); Fader & Hardie 2007, "Incorporating time-invariant covariates into
// the Pareto/NBD and BG/NBD models"): the covariates move the scale
// parameters of the mixing distributions, the shapes stay,
//
//	Pareto/NBD:       α_i = α·exp(−γ_p·z_p,i)   β_i = β·exp(−γ_d·z_d,i)
//	BG/NBD, MBG/NBD:  α_i = α·exp(−γ_p·z_p,i)   a_i = a·exp(γ_d·z_d,i)   b_i = b·exp(γ_d·z_d,i)
//
// so a positive purchase coefficient raises the mean purchase rate r/α_i,
// and a positive Pareto/NBD dropout coefficient the mean dropout rate
// s/β_i. In the BG/NBD family a_i and b_i move together: the mean dropout
// probability a/(a+b) is the same for every customer, and a dropout
// covariate moves only its spread (a_i + b_i is the precision of
// p ~ Beta(a_i, b_i)). Such fits can run to the limit a, b → ∞ (every
// customer of a covariate group has the same p), which the fit reports
// with a *BoundaryError rather than hides.
//
// Row i of Purchase and of Dropout belongs to customer i of the []Customer
// they are passed with; every row of one process has the same number of
// columns, and a process without covariates is nil (or has rows of no
// columns). Column values must be finite and no column constant (it would
// be collinear with the scale parameter) or a linear combination of the
// others; centring or standardising the columns changes only the scale
// parameter and the coefficients' meaning, not the fit. A categorical
// covariate of k levels takes k−1 dummy columns, as in CLVTools.
//
// FitBGBBCov takes the same Covariates but moves the means of the BG/BB's
// Beta distributions, not scales (see BGBBCov); the rest of the above
// holds for it too, a constant column being collinear with ln(α/β) or
// ln(γ/δ).
type Covariates struct {
	Purchase [][]float64 // row i: customer i's purchase-process covariates, in the order of cs; nil: none
	Dropout  [][]float64 // row i: customer i's dropout-process covariates; nil: none
	// Shared lists columns j whose coefficient is one number in both
	// processes (CLVTools' names.cov.constr); both Purchase and Dropout
	// must have column j. The coefficient counts once: in the parameter
	// count, the standard errors and the penalty.
	Shared []int
	// L2 is a ridge penalty λ ≥ 0 on the coefficients: the fit maximises
	// LL − λ·Σγ², a Shared coefficient counted once, and the base
	// parameters are not penalised (FitOptions.Penalty does that).
	// Fit.LogLikelihood stays the plain LL, Fit.Penalized is true, and the
	// standard errors come from the Hessian of the penalised objective, so
	// they are not for inference. CLVTools adds its λ to the mean negative
	// log-likelihood: its reg.lambdas = c(trans = λ', life = λ') is
	// L2 = λ'·N here, for N customers.
	L2 float64
	// PurchaseNames and DropoutNames name the columns of Purchase and
	// Dropout (nil: unnamed), one distinct non-empty name per column. A fit
	// records them in its model and in Fit.Names ("Purchase[age]"), and a
	// model's Models refuses covariates named otherwise, so that columns
	// cannot be swapped unnoticed between fitting and scoring.
	PurchaseNames, DropoutNames []string
}

// covDesign is a validated Covariates laid out for a fit: the coefficient
// vector, and the customers in covariate groups. Customers with the same
// purchase row share a purchase group, those with the same dropout row a
// dropout group, and those with both the same a (joint) group; the
// likelihood is computed once per distinct row of a group.
type covDesign struct {
	nP, nD int // Purchase and Dropout columns
	// coefficient vector: the nP purchase coefficients, then the dropout
	// coefficients that are not shared; dropCoef[j] is the index of
	// dropout column j's.
	dropCoef []int
	k        int
	l2       float64
	names    []string // per coefficient, e.g. "Purchase[0]", "Dropout[age]"
	// the caller's column names (Covariates.PurchaseNames, .DropoutNames)
	purchaseNames, dropoutNames []string
	spans                       []float64 // per coefficient: the largest |z| of its column(s)

	customerGroup []int32     // per customer: its joint group
	groups        covGroups   // per joint group: its purchase and dropout group
	zP, zD        [][]float64 // per purchase (dropout) group: its covariate row (the caller's)
}

// covGroups says how the joint covariate groups of a sample share
// parameters: joint group g has purchase group purchase[g] (of nP) and
// dropout group dropout[g] (of nD). The zero value is one group.
type covGroups struct {
	purchase, dropout []int32
	nP, nD            int
}

// size returns the number of joint groups.
func (g covGroups) size() int { return max(1, len(g.purchase)) }

// purchaseOf returns joint group j's purchase group.
func (g covGroups) purchaseOf(j int32) int32 {
	if g.purchase == nil {
		return 0
	}
	return g.purchase[j]
}

// dropoutOf returns joint group j's dropout group.
func (g covGroups) dropoutOf(j int32) int32 {
	if g.dropout == nil {
		return 0
	}
	return g.dropout[j]
}

// counts returns the numbers of purchase and dropout groups.
func (g covGroups) counts() (nP, nD int) { return max(1, g.nP), max(1, g.nD) }

// scaleNames name the scale parameters a process's covariates move, for
// messages: "the scale α", and "the scale β" or "the scales a and b".
type scaleNames struct{ purchase, dropout string }

// design validates cov for n customers and lays it out. A bad value or
// setting is a *DataError wrapping ErrInvalid; a constant or collinear
// column one wrapping ErrSingular.
func (cov Covariates) design(fn string, n int, scales scaleNames) (*covDesign, error) {
	if n == 0 {
		return nil, fault.New(fn, -1, "", ErrEmpty, "no customers")
	}
	if !(cov.L2 >= 0) || math.IsInf(cov.L2, 1) {
		return nil, fault.New(fn, -1, "Covariates.L2", ErrInvalid, "is %v, want a finite λ ≥ 0", cov.L2)
	}
	nP, err := checkCovariates(fn, "Purchase", cov.Purchase, n)
	if err != nil {
		return nil, err
	}
	nD, err := checkCovariates(fn, "Dropout", cov.Dropout, n)
	if err != nil {
		return nil, err
	}
	d, err := newCovDesign(fn, cov, nP, nD)
	if err != nil {
		return nil, err
	}
	d.l2 = cov.L2
	d.spans = make([]float64, d.k)
	for _, f := range [...]struct {
		z     [][]float64
		coefs func(j int) int
	}{{cov.Purchase, func(j int) int { return j }}, {cov.Dropout, func(j int) int { return d.dropCoef[j] }}} {
		for _, r := range f.z {
			for j, v := range r {
				c := f.coefs(j)
				d.spans[c] = math.Max(d.spans[c], math.Abs(v))
			}
		}
	}
	if err := checkRank(fn, "Purchase", cov.Purchase, nP, scales.purchase); err != nil {
		return nil, err
	}
	if err := checkRank(fn, "Dropout", cov.Dropout, nD, scales.dropout); err != nil {
		return nil, err
	}
	if d.k > 0 {
		d.group(cov, n)
	}
	return d, nil
}

// newCovDesign checks cov's Shared and column names for nP purchase and
// nD dropout columns and returns a design with the coefficient vector
// laid out (nP, nD, dropCoef, k, names).
func newCovDesign(fn string, cov Covariates, nP, nD int) (*covDesign, error) {
	d := &covDesign{nP: nP, nD: nD, dropCoef: make([]int, nD)}
	shared := make([]bool, nD)
	for _, j := range cov.Shared {
		switch {
		case j < 0 || j >= nP || j >= nD:
			return nil, fault.New(fn, -1, "Covariates.Shared", ErrInvalid,
				"lists column %d, but Purchase has %d and Dropout %d columns: both must have it", j, nP, nD)
		case shared[j]:
			return nil, fault.New(fn, -1, "Covariates.Shared", ErrInvalid, "lists column %d twice", j)
		}
		shared[j] = true
	}
	if err := checkNames(fn, "Covariates.PurchaseNames", cov.PurchaseNames, nP); err != nil {
		return nil, err
	}
	if err := checkNames(fn, "Covariates.DropoutNames", cov.DropoutNames, nD); err != nil {
		return nil, err
	}
	d.purchaseNames, d.dropoutNames = slices.Clone(cov.PurchaseNames), slices.Clone(cov.DropoutNames)
	for j := range nP {
		d.names = append(d.names, coefName("Purchase", cov.PurchaseNames, j))
	}
	for j := range nD {
		if shared[j] {
			d.dropCoef[j] = j
			continue
		}
		d.dropCoef[j] = len(d.names)
		d.names = append(d.names, coefName("Dropout", cov.DropoutNames, j))
	}
	d.k = len(d.names)
	return d, nil
}

// coefName returns the name of column j of a process's coefficients:
// "Purchase[age]" with names, "Purchase[0]" without.
func coefName(process string, names []string, j int) string {
	if names == nil {
		return fmt.Sprintf("%s[%d]", process, j)
	}
	return process + "[" + names[j] + "]"
}

// checkNames checks the column names of a process with cols columns:
// nil, or one distinct non-empty name per column.
func checkNames(fn, field string, names []string, cols int) error {
	if names == nil {
		return nil
	}
	if len(names) != cols {
		return fault.New(fn, -1, field, ErrInvalid, "has %d names for %d columns", len(names), cols)
	}
	for j, n := range names {
		switch {
		case n == "":
			return fault.New(fn, -1, field, ErrInvalid, "[%d] is empty", j)
		case slices.Index(names, n) != j:
			return fault.New(fn, -1, field, ErrInvalid, "names %q twice", n)
		}
	}
	return nil
}

// sameNames returns an error when cov names its columns otherwise than a
// model fitted with columns purchase and dropout (nil on either side: no
// check).
func (cov Covariates) sameNames(fn string, purchase, dropout []string) error {
	for _, f := range [...]struct {
		field       string
		model, have []string
	}{{"Covariates.PurchaseNames", purchase, cov.PurchaseNames}, {"Covariates.DropoutNames", dropout, cov.DropoutNames}} {
		if f.model != nil && f.have != nil && !slices.Equal(f.model, f.have) {
			return fault.New(fn, -1, f.field, ErrInvalid, "is %q, but the model was fitted with %q", f.have, f.model)
		}
	}
	return nil
}

// checkCovariates checks one process's rows for n customers and returns
// the number of columns.
func checkCovariates(fn, field string, z [][]float64, n int) (int, error) {
	if z == nil {
		return 0, nil
	}
	if len(z) != n {
		return 0, fault.New(fn, -1, "Covariates."+field, ErrInvalid, "has %d rows, want one per customer (%d)", len(z), n)
	}
	cols := len(z[0])
	for i, r := range z {
		if len(r) != cols {
			return 0, fault.New(fn, i, field, ErrInvalid, "has %d values, want %d as row 0", len(r), cols)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fault.New(fn, i, fmt.Sprintf("%s[%d]", field, j), ErrInvalid, "is %v", v)
			}
		}
	}
	return cols, nil
}

// checkRank returns an ErrSingular *DataError when a column of z (of
// cols columns) is constant, and so collinear with the scale parameter,
// or when the centred columns are linearly dependent (numeric.Aliased on
// their correlation matrix).
func checkRank(fn, field string, z [][]float64, cols int, scale string) error {
	if cols == 0 {
		return nil
	}
	label := func(j int) string { return fmt.Sprintf("%s[%d]", field, j) }
	mean := make([]float64, cols)
	for j := range cols {
		constant := true
		for _, r := range z {
			mean[j] += r[j]
			constant = constant && r[j] == z[0][j]
		}
		if constant {
			return fault.New(fn, -1, label(j), ErrSingular, "is constant: collinear with %s", scale)
		}
		mean[j] /= float64(len(z))
	}
	g := make([]float64, cols*cols)
	c := make([]float64, cols)
	for _, r := range z {
		for j := range cols {
			c[j] = r[j] - mean[j]
		}
		for j := range cols {
			for k := j; k < cols; k++ {
				g[j*cols+k] += c[j] * c[k]
			}
		}
	}
	for j := range cols { // to correlations, so the columns' units do not matter
		for k := j + 1; k < cols; k++ {
			g[j*cols+k] /= math.Sqrt(g[j*cols+j] * g[k*cols+k])
		}
	}
	for j := range cols {
		g[j*cols+j] = 1
	}
	aliased, partners := numeric.Aliased(g, cols)
	if aliased == nil {
		return nil
	}
	var msgs []string
	for k, a := range aliased {
		labels := make([]string, len(partners[k]))
		for i, p := range partners[k] {
			labels[i] = label(p)
		}
		if len(labels) == 0 {
			msgs = append(msgs, label(a)+" is numerically constant")
			continue
		}
		msgs = append(msgs, label(a)+" is collinear with "+strings.Join(labels, ", "))
	}
	return fault.New(fn, -1, label(aliased[0]), ErrSingular, "%s (and %s)", strings.Join(msgs, "; "), scale)
}

// group numbers the distinct purchase rows, dropout rows and their pairs,
// and records each customer's pair.
func (d *covDesign) group(cov Covariates, n int) {
	pIDs, pFirst := rowIDs(cov.Purchase, d.nP, n)
	dIDs, dFirst := rowIDs(cov.Dropout, d.nD, n)
	d.zP = pick(cov.Purchase, pFirst)
	d.zD = pick(cov.Dropout, dFirst)
	d.groups = covGroups{nP: len(pFirst), nD: len(dFirst)}
	d.customerGroup = make([]int32, n)
	var joint numbering[[2]int32]
	for i := range n {
		d.customerGroup[i] = joint.number([2]int32{pIDs[i], dIDs[i]})
	}
	for _, key := range joint.keys {
		d.groups.purchase = append(d.groups.purchase, key[0])
		d.groups.dropout = append(d.groups.dropout, key[1])
	}
}

// pick returns the rows of z at the indices first (nil for a nil z).
func pick(z [][]float64, first []int) [][]float64 {
	if z == nil {
		return make([][]float64, len(first)) // one group of empty rows
	}
	out := make([][]float64, len(first))
	for g, i := range first {
		out[g] = z[i]
	}
	return out
}

// rowIDs numbers the distinct rows of z (n rows of cols columns; a nil or
// column-less z is one row): ids[i] is row i's number, first[id] the
// first row with that number. Equal values are equal rows (−0 = +0).
func rowIDs(z [][]float64, cols, n int) (ids []int32, first []int) {
	ids = make([]int32, n)
	if cols == 0 {
		return ids, []int{0}
	}
	hash := func(r []float64) uint64 {
		var h uint64
		for _, v := range r {
			h = fmix64(h ^ math.Float64bits(v+0)) // v+0 turns −0 into +0
		}
		return h
	}
	slots := make([]int32, 64) // id + 1; 0 marks an empty slot
	for i, r := range z {
		if 2*(len(first)+1) > len(slots) {
			slots = make([]int32, 2*len(slots))
			for id, f := range first {
				h := hash(z[f]) & uint64(len(slots)-1)
				for slots[h] != 0 {
					h = (h + 1) & uint64(len(slots)-1)
				}
				slots[h] = int32(id + 1)
			}
		}
		mask := uint64(len(slots) - 1)
		for h := hash(r) & mask; ; h = (h + 1) & mask {
			k := slots[h]
			if k == 0 {
				first = append(first, i)
				slots[h] = int32(len(first))
				ids[i] = int32(len(first) - 1)
				break
			}
			if slices.Equal(z[first[k-1]], r) {
				ids[i] = k - 1
				break
			}
		}
	}
	return ids, first
}

// dot returns γ·z, or NaN when their lengths differ.
func dot(gamma, z []float64) float64 {
	if len(gamma) != len(z) {
		return math.NaN()
	}
	var s float64
	for j, g := range gamma {
		s += g * z[j]
	}
	return s
}

// coefficients splits the coefficient vector gamma of d into the full
// Purchase and Dropout vectors (a shared column's value in both).
func (d *covDesign) coefficients(gamma []float64) (purchase, dropout []float64) {
	purchase = slices.Clone(gamma[:d.nP])
	dropout = make([]float64, d.nD)
	for j, c := range d.dropCoef {
		dropout[j] = gamma[c]
	}
	return purchase, dropout
}

// covLink says how a model's covariates enter its four base parameters:
// a covariate group's parameter j is θ_gj = θ_j·exp(linkP[j]·ηp +
// linkD[j]·ηd), ηp = signP·γ_p·z_p and ηd = signD·γ_d·z_d (linkP, linkD ∈
// {0, 1}).
type covLink struct {
	linkP, linkD [4]float64
	signP, signD float64
}

// Links of the models (CLVTools' signs).
var (
	paretoLink = covLink{linkP: [4]float64{0, 1, 0, 0}, linkD: [4]float64{0, 0, 0, 1}, signP: -1, signD: -1}
	bgLink     = covLink{linkP: [4]float64{0, 1, 0, 0}, linkD: [4]float64{0, 0, 1, 1}, signP: -1, signD: 1}
)

// covSums accumulates the gradient (and Hessian) of −LL in θ = (base
// parameters, coefficients) from the derivatives of each covariate
// group's part of −LL in the group's own parameters θ_g, by the chain rule
// through θ_gj = θ_j·m_j, m_j = exp(link_j·η):
//
//	∂/∂θ_j = m_j·g_j                   ∂²/∂θ_j∂θ_l = m_j·m_l·H_jl
//	∂/∂γ_c = s·z_c·G                   ∂²/∂θ_j∂γ_c = s·z_c·m_j·(Σ_l H_jl·link_l·θ_gl + link_j·g_j)
//	∂²/∂γ_c∂γ_c' = s·s'·z_c·z_c'·Σ_jl link_j·θ_gj·H_jl·link'_l·θ_gl + [same process]·z_c·z_c'·G
//
// with G = Σ_j link_j·θ_gj·g_j, the derivative along the link. The base
// block is summed in the natural parameters, so for the one group of a
// fit without covariates (m = 1) it is exactly the group's own.
type covSums struct {
	d    *covDesign
	link covLink
	base []float64 // θ's base parameters
	grad []float64 // 4+k
	hess []float64 // (4+k)², row-major; nil when only the gradient is wanted
}

func newCovSums(d *covDesign, link covLink, base []float64, hessian bool) *covSums {
	m := 4 + d.k
	s := &covSums{d: d, link: link, base: base[:4], grad: make([]float64, m)}
	if hessian {
		s.hess = make([]float64, m*m)
	}
	return s
}

// add adds a term of purchase group pg and dropout group dg (−1: the term
// does not depend on that process's covariates) whose parameters are at,
// with gradient g and, when s keeps one, Hessian h of −LL in at.
func (s *covSums) add(pg, dg int, at, g *[4]float64, h *[4][4]float64) {
	d, l := s.d, s.link
	m := 4 + d.k
	var zp, zd []float64
	if pg >= 0 && d.nP > 0 {
		zp = d.zP[pg]
	}
	if dg >= 0 && d.nD > 0 {
		zd = d.zD[dg]
	}
	var mult [4]float64 // m_j
	var gP, gD float64  // the gradient along each link
	for j := range 4 {
		mult[j] = 1
		if l.linkP[j] != 0 || l.linkD[j] != 0 {
			mult[j] = at[j] / s.base[j]
		}
		s.grad[j] += mult[j] * g[j]
		gP += l.linkP[j] * at[j] * g[j]
		gD += l.linkD[j] * at[j] * g[j]
	}
	for c, z := range zp {
		s.grad[4+c] += l.signP * gP * z
	}
	for c, z := range zd {
		s.grad[4+d.dropCoef[c]] += l.signD * gD * z
	}
	if s.hess == nil {
		return
	}
	var vP, vD [4]float64 // Σ_l H_jl·link_l·θ_gl + link_j·g_j
	var hPP, hPD, hDD float64
	for i := range 4 {
		for j := range 4 {
			s.hess[i*m+j] += mult[i] * mult[j] * h[i][j]
			vP[i] += h[i][j] * l.linkP[j] * at[j]
			vD[i] += h[i][j] * l.linkD[j] * at[j]
		}
		hPP += l.linkP[i] * at[i] * vP[i]
		hPD += l.linkP[i] * at[i] * vD[i]
		hDD += l.linkD[i] * at[i] * vD[i]
		vP[i] += l.linkP[i] * g[i]
		vD[i] += l.linkD[i] * g[i]
	}
	hPP += gP
	hDD += gD
	// add2 adds v to the symmetric pair of entries (a, b) and (b, a), which
	// is one entry when a = b: the loops below run over unordered pairs,
	// except the purchase × dropout one, whose ordered pairs add to both
	// entries even when a shared coefficient makes them one.
	add2 := func(a, b int, v float64) {
		s.hess[a*m+b] += v
		if a != b {
			s.hess[b*m+a] += v
		}
	}
	for c, z := range zp {
		a := 4 + c
		for i := range 4 {
			add2(i, a, l.signP*mult[i]*vP[i]*z)
		}
		for c2, z2 := range zp[:c+1] {
			add2(4+c2, a, hPP*z*z2)
		}
		for c2, z2 := range zd {
			b := 4 + d.dropCoef[c2]
			v := l.signP * l.signD * hPD * z * z2
			s.hess[a*m+b] += v
			s.hess[b*m+a] += v
		}
	}
	for c, z := range zd {
		a := 4 + d.dropCoef[c]
		for i := range 4 {
			add2(i, a, l.signD*mult[i]*vD[i]*z)
		}
		for c2, z2 := range zd[:c+1] {
			add2(4+d.dropCoef[c2], a, hDD*z*z2)
		}
	}
}

// result writes the sums into grad and, when s keeps a Hessian, hess.
func (s *covSums) result(grad, hess []float64) {
	copy(grad, s.grad)
	if hess != nil && s.hess != nil {
		copy(hess, s.hess)
	}
}

// coefParams returns the free parameters of d's coefficients.
func (d *covDesign) coefParams() []param {
	ps := make([]param, d.k)
	for j, name := range d.names {
		ps[j] = param{name: name, free: true, span: d.spans[j]}
	}
	return ps
}

// withCoefficients returns each start followed by k zero coefficients.
func withCoefficients(starts [][]float64, k int) [][]float64 {
	out := make([][]float64, len(starts))
	for i, s := range starts {
		out[i] = append(slices.Clone(s), make([]float64, k)...)
	}
	return out
}

// covRow is one customer's covariates.
type covRow struct{ purchase, dropout []float64 }

// modelRows checks that cov's rows fit a model with nP purchase and nD
// dropout coefficients and returns them per customer.
func modelRows(fn string, cov Covariates, nP, nD int) ([]covRow, error) {
	n := len(cov.Purchase)
	if cov.Purchase == nil {
		n = len(cov.Dropout)
	}
	if n == 0 {
		return nil, fault.New(fn, -1, "Covariates", ErrEmpty, "has no rows")
	}
	for _, f := range [...]struct {
		name string
		z    [][]float64
		want int
	}{{"Purchase", cov.Purchase, nP}, {"Dropout", cov.Dropout, nD}} {
		if f.z == nil && f.want == 0 {
			continue
		}
		cols, err := checkCovariates(fn, f.name, f.z, n)
		if err != nil {
			return nil, err
		}
		if f.z == nil || cols != f.want {
			return nil, fault.New(fn, -1, "Covariates."+f.name, ErrInvalid, "has %d columns, want the model's %d", cols, f.want)
		}
	}
	out := make([]covRow, n)
	for i := range out {
		if cov.Purchase != nil {
			out[i].purchase = cov.Purchase[i]
		}
		if cov.Dropout != nil {
			out[i].dropout = cov.Dropout[i]
		}
	}
	return out, nil
}

// scale returns θ·exp(sign·γ·z): the value of a base parameter θ that a
// process's covariates z move with the sign of its link (NaN when γ and z
// differ in length).
func scale(theta, sign float64, gamma, z []float64) float64 {
	return theta * math.Exp(sign*dot(gamma, z))
}
