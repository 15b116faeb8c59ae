package survival_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// lifetimeQuantiles are the 0.1, 0.5 and 0.9 quantiles of log T = η + σ·ε
// from mpmath at 40 digits (testdata/aft_lifetime.py).
var lifetimeQuantiles = []struct {
	dist       survival.AFTDist
	eta, sigma float64
	want       [3]float64
}{
	{survival.Weibull, 2, 0.7, [3]float64{1.5291971679871761, 5.7169814958789374, 13.247683562457476}},
	{survival.Weibull, 2, 1.8, [3]float64{0.12864981359811856, 3.8201005450010511, 33.157150722722414}},
	{survival.Weibull, 0.5, 0.2, [3]float64{1.0511938670956045, 1.5321889755283025, 1.9480063969098779}},
	{survival.LogNormal, 1, 1.3, [3]float64{0.51375075930441817, 2.7182818284590452, 14.382569689891854}},
	{survival.LogNormal, 1, 0.3, [3]float64{1.8506455614146297, 2.7182818284590452, 3.9926911197855037}},
	{survival.LogLogistic, 1, 0.5, [3]float64{0.90609394281968175, 2.7182818284590452, 8.1548454853771357}},
	{survival.LogLogistic, 1, 0.9, [3]float64{0.37624975292289697, 2.7182818284590452, 19.638700202535026}},
}

func TestLifetimeQuantile(t *testing.T) {
	for _, tc := range lifetimeQuantiles {
		l := survival.Lifetime{Dist: tc.dist, Location: tc.eta, Scale: tc.sigma}
		for i, p := range []float64{0.1, 0.5, 0.9} {
			require.InEpsilonf(t, tc.want[i], l.Quantile(p), 1e-13, "%v %+v p=%g", tc.dist, l, p)
		}
		require.Equal(t, l.Quantile(0.5), l.Median())
	}
}

// lifetimeValues are S(t), h(t), E[T − t | T > t] and E[min(T − t, 5) | T > t]
// from mpmath at 40 digits (testdata/aft_lifetime.py: the residual lives by
// quadrature of S, cross-checked against the closed forms). The last time
// of each row group is far in the tail, where S(t) is tiny or underflows.
var lifetimeValues = []struct {
	dist                       survival.AFTDist
	eta, sigma, t              float64
	surv, hazard, mrl, within5 float64
}{
	{survival.Weibull, 2, 0.7, 0, 1.0, math.NaN(), 6.7139825707142235, 4.0073863771962558},
	{survival.Weibull, 2, 0.7, 3, 0.75888461418158501, 0.13138358886639031, 5.3065866229856553, 3.4729266175279025},
	{survival.Weibull, 2, 0.7, 30, 0.00061021071267283129, 0.35246220142062556, 2.7379317695890237, 2.3214212803966725},
	{survival.Weibull, 2, 0.7, 400, 8.5445890677869379e-131, 1.0696191034184964, 0.93397978784418655, 0.92962288470475395},
	{survival.Weibull, 2, 1.8, 0, 1.0, math.NaN(), 12.387684480131863, 3.0407927534428585},
	{survival.Weibull, 2, 1.8, 3, 0.54549412993514846, 0.11223393234365384, 18.941612908649898, 3.9837336056846458},
	{survival.Weibull, 2, 1.8, 30, 0.11325896757876779, 0.040334783959914726, 33.31502179228388, 4.5382064636397822},
	{survival.Weibull, 2, 1.8, 1e+06, 9.7182065153479895e-309, 0.00039401377369366367, 2540.8443598602909, 4.9950780641888418},
	{survival.Weibull, 0.5, 0.2, 0, 1.0, math.NaN(), 1.5138043356864719, 1.5138043356864719},
	{survival.Weibull, 0.5, 0.2, 1, 0.92119365517551581, 0.41042499311949401, 0.57228419660471774, 0.57228419660471774},
	{survival.Weibull, 0.5, 0.2, 2.5, 0.00033010058501694602, 16.032226293730231, 0.057207737311351002, 0.057207737311351002},
	{survival.LogNormal, 1, 1.3, 0, 1.0, math.NaN(), 6.3280997904020702, 2.8821948622545208},
	{survival.LogNormal, 1, 1.3, 1, 0.77912183628754025, 0.29300285048937718, 6.9656431915971042, 2.9206831727829076},
	{survival.LogNormal, 1, 1.3, 20, 0.062369972880327441, 0.075717155044872454, 21.298050428000149, 4.1991205410004265},
	{survival.LogNormal, 1, 1.3, 1e+08, 3.0019023453100619e-41, 1.0364875932573497e-7, 10607932.967860528, 4.9999987043907526},
	{survival.LogNormal, 1, 0.3, 0, 1.0, math.NaN(), 2.8433985236517691, 2.8303926901806769},
	{survival.LogNormal, 1, 0.3, 1, 0.99957093966680316, 0.0051431367035847357, 1.8442210985427155, 1.8416761289134215},
	{survival.LogNormal, 1, 0.3, 3, 0.37118834373336095, 1.1313858644030591, 0.7424105699799816, 0.74213658152136337},
	{survival.LogNormal, 1, 0.3, 30, 6.0224965707312542e-16, 0.90281135957140514, 1.1324248505848677, 1.1156482064362856},
	{survival.LogLogistic, 1, 0.5, 0, 1.0, math.NaN(), 4.2698671113367835, 2.9162719925093031},
	{survival.LogLogistic, 1, 0.5, 1, 0.88079707797788244, 0.23840584404423511, 3.7598175169172402, 2.4470111176550505},
	{survival.LogLogistic, 1, 0.5, 10, 0.068806416289976389, 0.18623871674200472, 10.485545477355188, 3.4031369060867599},
	{survival.LogLogistic, 1, 0.5, 1e+06, 7.3890560988760521e-12, 1.9999999999852219e-6, 1000000.000004926, 4.9999750001249996},
	{survival.LogLogistic, 1, 0.9, 0, 1.0, math.NaN(), 24.871644408917696, 2.8540802370454625},
	{survival.LogLogistic, 1, 0.9, 1, 0.75233619886092837, 0.27518200126563514, 31.90127320519812, 3.0532195134935619},
	{survival.LogLogistic, 1, 0.9, 10, 0.19041486124836048, 0.089953904305737722, 109.04423940976761, 4.1181492304161481},
	{survival.LogLogistic, 1, 0.9, 10000, 0.00010915850281059391, 0.0001110989823885766, 90008.932078814728, 4.9986117511038809},
}

func TestLifetimeValues(t *testing.T) {
	for _, tc := range lifetimeValues {
		l := survival.Lifetime{Dist: tc.dist, Location: tc.eta, Scale: tc.sigma}
		name := func(what string) string { return what + " " + tc.dist.String() + " " + fmtG(tc.eta, tc.sigma, tc.t) }
		if tc.surv > 1e-300 { // the Weibull row at S = 9.7e-309 is subnormal in float64
			require.InEpsilon(t, tc.surv, l.Survival(tc.t), 1e-12, name("S"))
		}
		if !math.IsNaN(tc.hazard) {
			require.InEpsilon(t, tc.hazard, l.Hazard(tc.t), 1e-12, name("h"))
		}
		mrl := l.ResidualLife(tc.t)
		require.Falsef(t, math.IsNaN(mrl) || math.IsInf(mrl, 0), "%s: %g", name("MRL"), mrl)
		require.InEpsilon(t, tc.mrl, mrl, 1e-12, name("MRL"))
		require.InEpsilon(t, tc.within5, l.RestrictedResidualLife(tc.t, 5), 1e-11, name("restricted MRL"))
		if tc.t == 0 {
			require.Equal(t, mrl, l.Mean())
		}
	}
}

func fmtG(v ...float64) string {
	s := ""
	for _, x := range v {
		s += " " + strconv.FormatFloat(x, 'g', -1, 64)
	}
	return s
}

// TestLifetimeSpecialCases checks the "Special cases are:" lists.
func TestLifetimeSpecialCases(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	w := func(eta, sigma float64) survival.Lifetime {
		return survival.Lifetime{Dist: survival.Weibull, Location: eta, Scale: sigma}
	}
	ll := func(sigma float64) survival.Lifetime {
		return survival.Lifetime{Dist: survival.LogLogistic, Location: 1, Scale: sigma}
	}
	exp := survival.Lifetime{Dist: survival.Exponential, Location: 2, Scale: 7} // Scale ignored
	ln := survival.Lifetime{Dist: survival.LogNormal, Location: 1, Scale: 0.5}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"S(0)", w(2, 0.7).Survival(0), 1},
		{"S(+Inf)", ln.Survival(inf), 0},
		{"S(-1)", w(2, 0.7).Survival(-1), nan},
		{"S with Scale 0", w(2, 0).Survival(1), nan},
		{"S with unknown Dist", survival.Lifetime{Dist: 9, Scale: 1}.Survival(1), nan},
		{"S with Location NaN", w(nan, 1).Survival(1), nan},
		{"exponential h(t) = e^-η", exp.Hazard(13), math.Exp(-2)},
		{"exponential S ignores Scale", exp.Survival(3), math.Exp(-3 * math.Exp(-2))},
		{"exponential mean", exp.Mean(), math.Exp(2)},
		{"exponential residual life is the mean", exp.ResidualLife(50), math.Exp(2)},
		{"Weibull h(0), σ < 1", w(2, 0.7).Hazard(0), 0},
		{"Weibull h(0), σ = 1", w(2, 1).Hazard(0), math.Exp(-2)},
		{"Weibull h(0), σ > 1", w(2, 1.5).Hazard(0), inf},
		{"log-logistic h(0), σ = 1", ll(1).Hazard(0), math.Exp(-1)},
		{"log-normal h(0)", ln.Hazard(0), 0},
		{"Weibull h(+Inf), σ < 1", w(2, 0.7).Hazard(inf), inf},
		{"Weibull h(+Inf), σ > 1", w(2, 1.5).Hazard(inf), 0},
		{"log-logistic h(+Inf)", ll(0.5).Hazard(inf), 0},
		{"h(NaN)", ln.Hazard(nan), nan},
		{"Q(0)", ln.Quantile(0), 0},
		{"Q(1)", ln.Quantile(1), inf},
		{"Q(1.5)", ln.Quantile(1.5), nan},
		{"Median is e^η for symmetric ε", ln.Median(), math.E},
		// z_p for p = 1e-10 from mpmath: −√2·erfinv(1 − 2e-10) = −6.361340902404056
		{"Q(1e-10), log-normal tail", ln.Quantile(1e-10), math.Exp(1 + 0.5*-6.361340902404056)},
		{"log-logistic mean, σ = 1", ll(1).Mean(), inf},
		{"log-logistic residual life, σ = 2", ll(2).ResidualLife(5), inf},
		{"residual life at +Inf", w(2, 1).ResidualLife(inf), nan},
		{"restricted, τ = 0", ln.RestrictedResidualLife(3, 0), 0},
		{"restricted, τ < 0", ln.RestrictedResidualLife(3, -1), nan},
		{"restricted, τ = +Inf", ln.RestrictedResidualLife(3, inf), ln.ResidualLife(3)},
		{"restricted log-logistic σ = 2 is finite", ll(2).RestrictedResidualLife(5, 100), ll(2).RestrictedResidualLife(5, 100)},
	} {
		if math.IsNaN(tc.want) {
			require.Truef(t, math.IsNaN(tc.got), "%s: %g", tc.name, tc.got)
			continue
		}
		if tc.want == 0 || math.IsInf(tc.want, 0) {
			require.Equalf(t, tc.want, tc.got, tc.name)
			continue
		}
		require.InEpsilonf(t, tc.want, tc.got, 1e-14, tc.name)
	}
	r := ll(2).RestrictedResidualLife(5, 100)
	require.True(t, r > 0 && r < 100, "%g", r)

	m := &survival.AFT{Dist: survival.LogNormal, Intercept: 1, Coef: []float64{0.5, -1}, Scale: 0.5}
	require.Equal(t, survival.Lifetime{Dist: survival.LogNormal, Location: 1 + 0.5*2 - 1*3, Scale: 0.5}, m.For([]float64{2, 3}))
	for _, x := range [][]float64{{1}, {1, 2, 3}, {1, math.Inf(1)}, {nan, 1}} {
		require.True(t, math.IsNaN(m.For(x).Survival(1)), "%v", x)
	}
}
