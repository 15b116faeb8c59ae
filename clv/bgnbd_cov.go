package clv

// BGNBDCov is a BG/NBD with static covariates (see Covariates): customer
// i's model is the BGNBD For(z_p,i, z_d,i), with
//
//	α_i = α·exp(−γ_p·z_p,i)   a_i = a·exp(γ_d·z_d,i)   b_i = b·exp(γ_d·z_d,i)
//
// and the shape R of the embedded BGNBD, which is the model of a customer
// whose covariates are all 0. Purchase and Dropout are γ_p and γ_d, one
// coefficient per column of Covariates.Purchase and .Dropout (a Shared
// column holds the same value in both). The dropout covariates scale a and
// b together, so they leave the mean dropout probability a/(a+b) alone and
// move its spread: a positive γ_d·z_d concentrates p ~ Beta(a_i, b_i)
// around that mean, a negative one spreads it towards 0 and 1. A BGNBDCov
// built from published coefficients (CLVTools' trans.* and life.*, same
// signs) is as good as a fitted one; the value is safe for concurrent use.
type BGNBDCov struct {
	BGNBD
	Purchase, Dropout []float64
	// PurchaseNames and DropoutNames are the fit's Covariates.PurchaseNames
	// and .DropoutNames (nil: unnamed).
	PurchaseNames, DropoutNames []string
}

// For returns the BGNBD of a customer with purchase covariates purchase and
// dropout covariates dropout, in the column order of the fit (nil for a
// process without covariates). Every prediction of BGNBD (PAlive,
// ConditionalExpectedPurchases, ProbPurchases, Value through ScoreEach, …)
// then applies to that customer.
//
// Special cases are:
//
//	For(p, d) has NaN Alpha (A and B) if len(p) ≠ len(m.Purchase) (len(d) ≠ len(m.Dropout)), and so NaN predictions
func (m BGNBDCov) For(purchase, dropout []float64) BGNBD {
	return bgFor(m.BGNBD, m.Purchase, m.Dropout, purchase, dropout)
}

// LogLikelihood returns ℓ of customer c with these covariates, that is
// For(purchase, dropout).LogLikelihood(c). It takes the covariates so that
// BGNBDCov is not a PurchaseModel: a function taking one would otherwise
// score every customer with the promoted methods of the embedded BGNBD,
// which are those of a customer whose covariates are all 0.
func (m BGNBDCov) LogLikelihood(c Customer, purchase, dropout []float64) float64 {
	return m.For(purchase, dropout).LogLikelihood(c)
}

// Models returns the BGNBD of every customer of cov (For of row i of
// cov.Purchase and cov.Dropout), in order. cov must have the model's
// columns (L2 and Shared are not read); it is not modified.
//
// Errors: a *DataError wrapping ErrInvalid names a row of the wrong length,
// a value that is NaN or ±Inf, or column names (Covariates.PurchaseNames,
// .DropoutNames) other than the model's when both are given; ErrEmpty
// when cov has no rows.
func (m BGNBDCov) Models(cov Covariates) ([]BGNBD, error) {
	const fn = "clv.BGNBDCov.Models"
	if err := cov.sameNames(fn, m.PurchaseNames, m.DropoutNames); err != nil {
		return nil, err
	}
	rows, err := modelRows(fn, cov, len(m.Purchase), len(m.Dropout))
	if err != nil {
		return nil, err
	}
	out := make([]BGNBD, len(rows))
	for i, r := range rows {
		out[i] = m.For(r.purchase, r.dropout)
	}
	return out, nil
}

// FitBGNBDCov returns the maximum-likelihood BG/NBD with static covariates
// cov for cs (see Covariates for the parameterisation, CLVTools 0.12.1's).
// The analytic gradient and Hessian of FitBGNBD are carried to the
// coefficients by the chain rule through each covariate group's α_i, a_i
// and b_i, and the search runs by damped Newton; identical
// (x, t_x, T, z_p, z_d) rows are compressed first and Customer.Weight
// counts repeated rows. The search starts from the fit without covariates
// (coefficients 0) and, on 20,000 distinct rows or more, from a fit to a
// seeded 1/16 subsample of them; FitOptions.Start (r, α, a, b, then the
// coefficients in the order below) replaces both (then the defaults follow). An empty Covariates{}
// is FitBGNBD exactly. cs and cov are not modified.
//
// Fit.StdErr and Fit.Cov are in the order r, α, a, b, every Purchase
// coefficient (a Shared one included, once), then the Dropout coefficients
// that are not Shared; Fit.NumParams counts the coefficients, so AIC, BIC
// and LikelihoodRatioTest compare nested covariate fits. With
// Covariates.L2 > 0, Fit.Penalized is true and the standard errors are
// those of the penalised objective.
//
// Dropout covariates move only the spread of the dropout probability (see
// BGNBDCov), and a group whose customers hardly differ in p pushes a and b
// towards ∞: the fit then holds them at the bound and returns the limiting
// model with a *BoundaryError, as FitBGNBD does.
//
// Errors: those of FitBGNBD, and those of FitParetoNBDCov for the
// covariates (ErrInvalid for bad values and settings, ErrSingular for a
// constant column, collinear with α or with a and b, or collinear columns).
func FitBGNBDCov(cs []Customer, cov Covariates, opt *FitOptions) (BGNBDCov, Fit, error) {
	th, design, fit, err := fitBGFamily("clv.FitBGNBDCov", 0, cs, cov, opt)
	if th == nil {
		return BGNBDCov{}, fit, err
	}
	m := BGNBDCov{BGNBD: BGNBD{th[0], th[1], th[2], th[3], opt.period()}}
	m.Purchase, m.Dropout = design.coefficients(th[4:])
	m.PurchaseNames, m.DropoutNames = design.purchaseNames, design.dropoutNames
	return m, fit, err
}

// MBGNBDCov is an MBG/NBD with static covariates, parameterised as
// BGNBDCov (the dropout covariates move the spread of p, not its mean).
type MBGNBDCov struct {
	MBGNBD
	Purchase, Dropout []float64
	// PurchaseNames and DropoutNames are the fit's Covariates.PurchaseNames
	// and .DropoutNames (nil: unnamed).
	PurchaseNames, DropoutNames []string
}

// For returns the MBGNBD of a customer with these covariates, as
// BGNBDCov.For does.
//
// Special cases are:
//
//	For(p, d) has NaN Alpha (A and B) if len(p) ≠ len(m.Purchase) (len(d) ≠ len(m.Dropout)), and so NaN predictions
func (m MBGNBDCov) For(purchase, dropout []float64) MBGNBD {
	return MBGNBD(bgFor(BGNBD(m.MBGNBD), m.Purchase, m.Dropout, purchase, dropout))
}

// LogLikelihood returns ℓ of customer c with these covariates, that is
// For(purchase, dropout).LogLikelihood(c). It takes the covariates so that
// MBGNBDCov is not a PurchaseModel: a function taking one would otherwise
// score every customer with the promoted methods of the embedded MBGNBD,
// which are those of a customer whose covariates are all 0.
func (m MBGNBDCov) LogLikelihood(c Customer, purchase, dropout []float64) float64 {
	return m.For(purchase, dropout).LogLikelihood(c)
}

// Models returns the MBGNBD of every customer of cov, as BGNBDCov.Models
// does.
func (m MBGNBDCov) Models(cov Covariates) ([]MBGNBD, error) {
	const fn = "clv.MBGNBDCov.Models"
	if err := cov.sameNames(fn, m.PurchaseNames, m.DropoutNames); err != nil {
		return nil, err
	}
	rows, err := modelRows(fn, cov, len(m.Purchase), len(m.Dropout))
	if err != nil {
		return nil, err
	}
	out := make([]MBGNBD, len(rows))
	for i, r := range rows {
		out[i] = m.For(r.purchase, r.dropout)
	}
	return out, nil
}

// FitMBGNBDCov returns the maximum-likelihood MBG/NBD with static
// covariates cov for cs, exactly as FitBGNBDCov does for the BG/NBD (same
// parameterisation, starts, standard errors and errors); an empty
// Covariates{} is FitMBGNBD exactly. cs and cov are not modified.
func FitMBGNBDCov(cs []Customer, cov Covariates, opt *FitOptions) (MBGNBDCov, Fit, error) {
	th, design, fit, err := fitBGFamily("clv.FitMBGNBDCov", 1, cs, cov, opt)
	if th == nil {
		return MBGNBDCov{}, fit, err
	}
	m := MBGNBDCov{MBGNBD: MBGNBD{th[0], th[1], th[2], th[3], opt.period()}}
	m.Purchase, m.Dropout = design.coefficients(th[4:])
	m.PurchaseNames, m.DropoutNames = design.purchaseNames, design.dropoutNames
	return m, fit, err
}

// bgFor returns the model of a customer with covariates zp and zd under
// coefficients gp and gd, from base, the model at covariates 0, as a BGNBD
// (an MBGNBD converts).
func bgFor(base BGNBD, gp, gd, zp, zd []float64) BGNBD {
	return BGNBD{
		R: base.R, Alpha: scale(base.Alpha, bgLink.signP, gp, zp),
		A: scale(base.A, bgLink.signD, gd, zd), B: scale(base.B, bgLink.signD, gd, zd),
		Period: base.Period,
	}
}
