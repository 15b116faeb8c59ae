// Package clv models repeat purchases, spend and customer value: it turns
// a transaction log into per-customer summaries, fits the "buy till you
// die" (BTYD) models to them, and values customers.
//
// # Summaries and time units
//
// Summarize collapses a log of Transaction values into one Customer row
// per customer, in the BTYD form of Fader, Hardie & Lee (2005):
//
//	x   = Frequency = purchase occasions − 1 (all purchases on one calendar day are one occasion)
//	t_x = Recency   = first → last occasion (BTYD recency)
//	T   = T         = first occasion → the day of End
//	m̄   = Monetary  = mean value of the x repeat occasions (the first is excluded)
//
// Days are civil days in SummaryOptions.Location (a DST day is one day),
// and T runs to the start of End's day, so a first purchase on End gives
// T = 0 (as the published CDNOW summaries do). All three times are in the
// summary's Period (a time.Duration such as a day or a week), and every
// model parameter with a time unit (α, β) and every horizon passed to a
// model is in that same unit. BTYD recency is not RFM recency: the time
// since the last purchase is T − t_x.
//
// A transaction log is checked by one rule set shared with churn, cohort
// and segment, so a bad row is the same *DataError (Row, Field) in all of
// them: a non-empty CustomerID, an At that is not the zero Time and lies
// in years 1..9999 UTC (the range the day numbering handles exactly), and
// an Amount in [0, 1e290] (0 is a free order; refunds are netted out
// first; the bound keeps every sum finite). Times outside that range and
// amounts above 1e290 were accepted before the rule was shared.
//
// The repeat spend is summed exactly (Shewchuk's partials, as Python's
// math.fsum) and rounded once, so Monetary does not depend on the order
// of the rows.
//
// # Incremental and merged summaries
//
// CustomerState holds one customer's purchases (instant and amount) as the
// summary rules need them: Add takes a transaction as it arrives, Merge
// takes the state built from another part of the log, and Customer gives
// the summary row as of any End. CustomerStates is the keyed set of them
// for a whole log (Add, Merge, Customers). Merge is a multiset union, so
// it is associative and commutative, and the rows are exactly Summarize's,
// bit for bit, however the log was split into shards and in whatever
// order they were merged. Both types have a canonical binary form
// (MarshalBinary, UnmarshalBinary) and CustomerState a JSON form too, both
// checked when read, so a state can be the accumulator of a distributed
// combiner (a Beam CombinePerKey keyed by customer ID) or be saved between
// the runs of a service. A state keeps one 16-byte entry per purchase.
//
// # Reading a CSV log
//
// ReadTransactions reads a transaction log in CSV from an io.Reader, with
// the columns found by header name or position, several time layouts
// (time.Parse layouts, Unix seconds or milliseconds, a date alone) in a
// given time zone, any delimiter and an optional decimal comma; every row
// is checked as Summarize checks it, and a bad one is a *DataError naming
// its 1-based line (Row) and its column (Field). ScanTransactions yields
// the same transactions one at a time (an iter.Seq2), for logs that do
// not fit in memory. Reading from a caller's io.Reader is not I/O in the
// sense of this library's "no I/O" rule, as with encoding/csv: no file is
// opened, nothing is written.
//
// SummarizeHoldout adds each customer's purchase days and spend in a
// holdout that follows End; its per-customer mean is per purchase day
// (lifetimes averages over raw rows, lifetimes#431). EvaluateHoldout
// compares a model's predictions with it.
//
// The simulators (SimulateBGNBD and its siblings) draw transaction logs or
// summaries from the models, seeded. Their day-level summaries drop
// same-day repeat purchases as real data do, which biases estimates at
// large N; CustomerSimulationOptions.Continuous gives exact model samples.
//
// # Purchase models
//
// Every purchase model is an immutable value with exported parameters
// (BGNBD{R, Alpha, A, B}, like gonum's distuv types), safe for concurrent
// use, and satisfies PurchaseModel: LogLikelihood, PAlive,
// ExpectedPurchases (a new customer, in (0, t]),
// ConditionalExpectedPurchases (in (T, T+t]) and ProbNoPurchase, the
// likelihood ratio L(x, t_x, T+t)/L(x, t_x, T) = P(no purchase in
// (T, T+t]), a churn score. Each also has ConditionalProbPurchases, the
// distribution of the purchases in (T, T+t], and
// ConditionalExpectedPurchasesBetween gives the expected purchases in a
// later window (T+t1, T+t2]. Given alive at T, a
// customer's posterior depends on (x, T) only, so every forward-looking
// prediction is P(alive) times a prediction given alive (plus
// 1 − P(alive) for "no purchase"). A model built from published
// parameters is as good as a fitted one.
//
// BG/NBD (Fader, Hardie & Lee 2005, Marketing Science 24(2)): while
// active a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
// after each repeat purchase they drop out with probability p ~ Beta(a, b).
//
//	ℓ      = ln Γ(r+x) − ln Γ(r) + r·ln α + ln B(a, b+x) − ln B(a, b) + LSE(u, v)        (eq. 6)
//	u      = −(r+x)·ln(α+T),   v = ln a − ln(b+x−1) − (r+x)·ln(α+t_x)  (v = −∞ when x = 0)
//	E[X(t)] = M(a, b, r, t/α)                                                       (eq. 9)
//	E[Y(t) | x, t_x, T] = M(a, b+x, r+x, t/(α+T))·P(alive)                          (eq. 10)
//	M(a, b', k, τ) = E[(1 − (1+pτ)^(−k))/p],  p ~ Beta(a, b')
//
// M is evaluated by a series when a running bound on its rounding error
// proves it accurate, and otherwise by quadrature of the Beta expectation,
// whose integrand is positive; both stay finite for every a > 0 (including
// a = 1) and for heavy buyers and long horizons, where the textbook
// (α+T)^(r+x)·₂F₁ form overflows or cancels. P(alive) (note 021) comes
// from log-odds, so it underflows cleanly to 0.
//
// MBG/NBD (Batislam, Denizel & Filiztekin 2007, IJRM 24(3)) also tosses
// the dropout coin right after the first purchase, so one-time buyers can
// be inactive: B(a, b+x) becomes B(a, b+x+1) and ln(b+x−1) becomes ln(b+x).
//
// Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie note
// 009): exponential lifetimes with rate μ ~ Gamma(s, β), in the
// overflow-free form of the likelihood, with DERT, the discounted expected
// residual transactions under continuous discounting (FHL 2005, JMR 42(4)).
//
// BG/BB (Fader, Hardie & Shang 2010, Marketing Science 29(6)) is the
// discrete-time model for fixed transaction opportunities (Frequency,
// Recency and T are whole opportunities), and ShiftedBetaGeometric (Fader
// & Hardie 2007, J. Interactive Marketing 21(1)) the contractual retention
// model fitted to a cohort's survivor counts, with DERL.
//
// BetaDiscreteWeibull (Fader, Hardie, Liu, Davin & Steenburgh 2018,
// J. Interactive Marketing 43) adds duration dependence to the sBG: a
// customer with churn parameter θ ~ Beta(α, β) survives t periods with
// probability (1−θ)^(t^c), so
//
//	S(t) = B(α, β+t^c)/B(α, β)
//
// and c = 1 is the sBG (c > 1: a customer's own risk rises with tenure).
// FitBetaDiscreteWeibull takes the same alive counts as
// FitShiftedBetaGeometric, and LikelihoodRatioTest(sbgFit, bdwFit, false)
// tests c = 1. S(t), P(T = t) and r_t keep their relative accuracy for
// late periods and extreme parameters (ln B ratios without lgamma
// cancellation); DEL and DERL are summed series.
//
// FitShiftedBetaGeometricSubscribers and FitBetaDiscreteWeibullSubscribers
// fit the same models to individual subscribers (Subscriber: periods
// completed, churned or still active) of any tenures, with static
// covariates on both shapes in pymc-marketing's parameterisation,
// α_i = α·exp(−γ_α·z_α,i) and β_i = β·exp(−γ_β·z_β,i) (SubscriberCovariates),
// by maximum likelihood with standard errors; For gives a subscriber's own
// model; named columns (SubscriberCovariates.AlphaNames, .BetaNames) are
// recorded in the model and in Fit.Names, and Fit.Fingerprint is
// FingerprintSubscribers of the subscribers. Without covariates they are
// the cohort fits on the subscribers' counts.
//
// # Static covariates
//
// FitParetoNBDCov, FitBGNBDCov and FitMBGNBDCov add time-invariant
// customer covariates (Covariates: one row of purchase-process and one of
// dropout-process values per customer) in the parameterisation of
// CLVTools 0.12.1 (Bachmann, Meierer & Näf 2021, "The Role of
// Time-Invariant Covariates in Customer-Base Analysis", Marketing Science
// 40(4); Fader & Hardie 2007, "Incorporating time-invariant covariates into
// the Pareto/NBD and BG/NBD models"): the covariates move the scales of the
// mixing distributions, the shapes stay,
//
//	Pareto/NBD:       α_i = α·exp(−γ_p·z_p,i)   β_i = β·exp(−γ_d·z_d,i)
//	BG/NBD, MBG/NBD:  α_i = α·exp(−γ_p·z_p,i)   a_i = a·exp(γ_d·z_d,i)   b_i = b·exp(γ_d·z_d,i)
//
// so each customer has a model of their own (For, Models) and every
// prediction of the base models applies to them; ScoreEach and ValueEach
// value customers with one model each, and ScoreEachWithSpend with a
// spend model each as well (GammaGammaCov.Models). A covariate model is deliberately
// not a PurchaseModel (its LogLikelihood takes the covariates), so it
// cannot be passed where one is expected and silently score everybody as
// the baseline customer whose covariates are all 0. In the BG/NBD family a_i and b_i
// move together: the dropout covariates leave the mean dropout probability
// a/(a+b) the same for everyone and move only its spread, and a fit in
// which a group's customers hardly differ runs to a, b → ∞, which the fit
// reports with a *BoundaryError. A coefficient can be Shared by both
// processes, and an L2 ridge on the coefficients, λ·Σγ² subtracted from
// the total log-likelihood, is CLVTools' reg.lambdas λ' on the mean
// negative log-likelihood with λ = λ'·N. Standard errors come in the order
// base parameters, purchase coefficients (a shared one once), dropout
// coefficients not shared; with L2 they are those of the penalised
// objective (Fit.Penalized). Customers with equal covariates share the
// likelihood work, so categorical covariates cost little; a continuous one
// gives every customer their own (x, t_x, T) terms.
//
// FitBGBBCov puts the same Covariates on the BG/BB, on the means of its
// two Beta distributions with their precisions held common (the
// mean–precision link of beta and beta-binomial regression; neither
// CLVTools nor pymc-marketing has BG/BB covariates, so the
// parameterisation is this package's):
//
//	BG/BB:  α_i/β_i = (α/β)·exp(b_p·z_p,i)   α_i + β_i = α + β
//	        γ_i/δ_i = (γ/δ)·exp(b_d·z_d,i)   γ_i + δ_i = γ + δ
//
// so logit of the mean transaction probability moves by b_p·z_p and logit
// of the mean dropout probability by b_d·z_d (a positive coefficient
// raises it); BGBBCov.For gives a customer's own BGBB.
//
// # Spend and value
//
// GammaGamma (Colombo & Jiang 1999; Fader & Hardie note 025) models spend
// per transaction; ConditionalExpectedSpend is
//
//	E[Z | x, m̄] = p(γ + x·m̄)/(px + q − 1)
//
// a weighted average of the population mean pγ/(q−1) and the customer's
// own mean. It assumes spend and frequency are independent: check with
// SpendFrequencyCorrelation. FitGammaGamma keeps the likelihood's terms
// that depend on x alone once per distinct x, so a pass over the data takes
// one logarithm and one division per row, and runs Newton on the analytic
// Hessian.
//
// FitGammaGammaCov adds static covariates on the scale of the mixing
// distribution (SpendCovariates; the model: Colombo & Jiang 1999; Fader &
// Hardie 2013, "The Gamma-Gamma Model of Monetary Value"),
//
//	γ_i = γ·exp(δ·z_i),   so E[Z_i] = p·γ_i/(q−1) = exp(δ·z_i)·pγ/(q−1)
//
// a coefficient being the change in log mean spend per transaction per unit
// of its covariate; GammaGammaCov.For gives one customer's GammaGamma, and
// an empty SpendCovariates{} is the plain fit. Standard errors come in the
// order p, q, γ, δ; L2 penalises δ only.
//
// Value discounts the expected purchases after T over a horizon of
// cash-flow periods, valued at E[Z] times a margin:
//
//	CLV = Σ_{k=1..K} m·E[Z]·(E[Y(k·f)] − E[Y((k−1)·f)])/(1+d)^k,   f = Δ/u
//
// with the model unit u and the cash-flow period Δ both Durations, so a
// month can never be read as 30 weeks (the lifetimes default that turns a
// 12-month value on weekly data into a 360-week one). ValueSensitivity
// moves margin, discount rate and horizon one at a time (a tornado chart).
//
// # Uncertainty
//
// The predictions above are at the fitted parameters. ScoreWithIntervals,
// PredictionIntervals and TotalValueInterval add intervals from the
// parameters' uncertainty (Fit.Cov; purchase and spend fits independent),
// by the delta method (probabilities on the logit scale; the total's
// variance ∇S'·Σ·∇S of the sum, not a sum of variances) or by parameter
// draws, ln θ ~ N(ln θ̂, D⁻¹·Σ·D⁻¹) with percentile intervals.
// ScoreWithIntervalsCov and PredictionIntervalsCov do the same for models
// with covariates (ParetoNBDCov, BGNBDCov, MBGNBDCov, BGBBCov): each
// covariate group's model is a function of the full vector (base
// parameters, coefficients), differentiated by the chain rule through the
// links, and draws move base parameters and coefficients
// jointly. ScoreWithIntervalsSpendCov takes a GammaGammaCov as the spend
// model, with a purchase model with or without covariates: customer i's
// spend model has γ_i = γ·exp(δ·z_i), so its value depends on θ_S =
// (p, q, γ, δ) through ∂γ_i/∂γ = γ_i/γ and ∂γ_i/∂δ_j = γ_i·z_ij; the value's
// variance is the purchase block's term plus the spend block's, the total's
// gradient the sum of the customers', draws move (p, q, γ, δ) jointly and
// the bootstrap refits both models. The Bootstrap method resamples the customers (a row of Weight
// w stands for w customers), refits from the fitted parameters and
// repredicts, with percentile intervals; replicates whose refit fails are
// left out and counted in a *BootstrapError returned with the intervals.
// Package resample holds the generic bootstrap, for any model a caller
// can refit. DrawModels, DrawSpendModels and MapDraws give the draws for
// any function of the models. These intervals do not include the randomness of the customers'
// future purchases; ConditionalProbPurchases describes that.
//
// # Fitting
//
// Fit… functions maximise the total (weighted) log-likelihood on
// log-parameters, with analytic gradients (and, for BG/NBD, MBG/NBD and
// Gamma-Gamma, an analytic Hessian and damped Newton steps), from several
// starts. They
// first compress identical summary rows, adding their Weight, so the cost
// grows with distinct rows rather than customers: the same compressed
// histogram is what one GROUP BY in a distributed engine produces, which
// is how a fit scales past one machine. Standard errors come from the
// Hessian by the delta method and the Fit report carries
// the log-likelihood, AIC and BIC. A fit that stops early returns its best
// estimate and an error wrapping ErrNotConverged. A fit on fewer distinct
// rows than the model has parameters is ErrEmpty.
//
// FitOptions.Start is a warm start: a refit from the previous model's
// parameters (after the log has grown, say) tries it first and converges
// in a few iterations; the model's own starts follow only if it does not
// converge. FitOptions.Context cancels a fit: it stops within one parallel
// chunk of a likelihood pass (BG/NBD, MBG/NBD, Pareto/NBD; one pass for
// the others), typically a few milliseconds, and returns an error
// wrapping ctx.Err() with no estimate. The checks, the compression of
// the rows and the likelihood's tables, built before the search, are not
// interrupted (0.25–0.7 s for 3e5 distinct rows on a loaded 2-core
// machine; much less when rows repeat). FitOptions.Progress is called after every iteration
// with a running count, the log-likelihood and the elapsed time. Both are
// options, not a FitXContext twin of every fit, so every Fit function of
// clv, survival.FitAFT and churn.FitLogistic take them the same way.
//
// # Fits at the edge of the parameter space
//
// When customers are nearly homogeneous, or the sample is small, the
// likelihood can keep rising towards a limit of the parameter space: a
// Gamma or Beta mixing distribution collapses onto one value (r, α → ∞
// with r/α fixed: everyone buys at one rate) or piles up at 0 or 1 (a → 0:
// nobody drops out). There is no interior maximum then, and an optimiser
// that stops somewhere along the ridge would report nonsense (r = 8e7 with
// SE 3e11) as converged. Instead, a shape that passes 1e4 or 1e-4, or that a
// stalled search is heading for, is held at that bound and the other
// parameters are fitted again (when both shapes of a Beta run to ∞
// together, only the larger is held, so that the refitted other keeps the
// mean a/(a+b) where the data put it); the fit returns that model, which is the
// limiting model to about 1% in its heterogeneity and safe to predict with,
// and a *BoundaryError (wrapping ErrBoundary) that names the held
// parameters and the limit each stands for. The held parameters have a NaN
// standard error and Fit.NumParams counts only the free ones. Use the model
// as the limit it is, compare it with a simpler model by AIC/BIC, or add
// FitOptions.Penalty to keep the parameters finite.
//
// # Units
//
// A summary's times are in its SummaryOptions.Period, and so are a model's
// time-scale parameters (BG/NBD and Pareto/NBD Alpha, Pareto/NBD Beta) and
// every horizon t. A fit records the unit it is told, FitOptions.Period,
// in the model's Period field, and every function that takes ValueOptions
// (Score, Value, ScoreEach, ValueEach, ScoreWithIntervals,
// TotalValueInterval, ValueSensitivity) refuses a ValueOptions.Period
// that differs with a *UnitError wrapping ErrInvalid: a weekly model read
// with a daily period would value 12 months as 12 months of weeks, about
// 3.6 times too much, with no sign of it. The unit is stated once: with
// the model's Period set, ValueOptions.Period may be 0 (the model's); a
// model built from published parameters leaves Period 0 and takes
// ValueOptions.Period, which then must be set. A customer's model from a
// covariate model (For, Models) keeps the unit, and covariate columns
// named in Covariates.PurchaseNames and .DropoutNames are recorded in the
// model, so Models refuses covariates whose names differ. GammaGamma has
// no time unit (it models spend per purchase).
//
// # Saving and loading models
//
// Every model type (BGNBD, MBGNBD, ParetoNBD, BGBB, GammaGamma,
// ShiftedBetaGeometric, BetaDiscreteWeibull, BGNBDCov, MBGNBDCov,
// ParetoNBDCov, BGBBCov, GammaGammaCov, ShiftedBetaGeometricCov,
// BetaDiscreteWeibullCov), Fit and Fitted, a model with its Fit,
// implement json.Marshaler and
// json.Unmarshaler with one versioned format:
//
//	{"kind":"clv.BGNBD","version":1,"unit":"168h0m0s",
//	 "params":{"R":0.243,"Alpha":4.414,"A":0.793,"B":2.426},
//	 "fit":{"LogLikelihood":-9582.4,"StdErr":[...],...,"Names":["R","Alpha","A","B"],"Fingerprint":"sha256:…"}}
//
// "unit" is the model's Period ("0s": not stated) and "fit" is present in
// a Fitted only. params holds the exported fields under their Go names
// (coefficients and column names included); a NaN or ±Inf number (e.g.
// the StdErr of a parameter held at a bound) is the string "NaN", "+Inf"
// or "-Inf", so every value loads back bit for bit. No customer data is
// saved: Fit.Fingerprint (see Fingerprint, FingerprintCohorts and
// FingerprintSubscribers) identifies the training
// summary instead, so a loaded model says which data trained it. Loading
// refuses, with a *DataError wrapping ErrInvalid whose Field names the key
// ("kind", "version", "params.Alpha", "fit.Cov[2][0]", …): another kind or
// version, a missing or unknown key (a misspelt parameter does not load as
// 0), a parameter that is not finite and > 0, a non-finite coefficient,
// and column names that do not match the coefficients. A failed load
// leaves the value unchanged. To serve a model, fit it once, save
// Fitted{Model, Fit}, load it in the serving process and score from any
// number of goroutines: models are plain values.
//
// # Errors and options
//
// One policy holds in every package of ltv. Bad data, a setting outside its
// domain, an unknown enum value and parallel slices of different lengths
// are a returned *DataError (the one error type of ltv: survival.DataError
// is the same type) that names the function, the row (-1 for a setting) and
// the field or option, e.g. "Recency" or "FitOptions.Start", and wraps a
// sentinel shared by every package (ErrEmpty, ErrInvalid, ErrSingular,
// ErrNotConverged), so errors.Is and errors.As work with either package's
// names; ErrBoundary and ErrUndefined are clv's own. A fit that stops early
// returns its best estimate with a plain error wrapping ErrNotConverged,
// never a *DataError: the input is not at fault. A function or method
// without an error result answers NaN (or nil, or the zero value) and lists
// the case under "Special cases are:", as Go's math does. Nothing panics on
// what a caller passes. Options whose every field has a default are passed
// as a pointer, nil meaning all defaults (FitOptions); settings with
// required fields are passed by value (SummaryOptions, ValueOptions and the
// simulators' options); in both, a zero field means its default. No
// function modifies or keeps its input slices.
package clv
