package survival_test

import (
	"math"
	"testing"

	"github.com/ltvgo/ltv/survival"
	"github.com/stretchr/testify/require"
)

// TestFitAFTRossiWeightsAndFixedScale checks case weights and a fixed
// scale against survreg on the Rossi data (R 4.2.2, survival 3.5-3,
// testdata/aft_survreg.R): estimates and standard errors to 1e-6 relative,
// log-likelihoods to 1e-8.
func TestFitAFTRossiWeightsAndFixedScale(t *testing.T) {
	d := loadRossi(t, "rossi.csv")
	obs, X := d.obs, d.x
	weighted := make([]survival.Observation, len(obs))
	for i, o := range obs {
		o.Weight = float64(1 + i%3)
		weighted[i] = o
	}
	for _, tc := range []struct {
		name         string
		obs          []survival.Observation
		dist         survival.AFTDist
		opt          *survival.AFTOptions
		coef, se     []float64 // intercept first; se ends with log(scale) unless fixed
		scale        float64
		null, loglik float64
	}{
		{"weibull, weights 1 + (i mod 3)", weighted, survival.Weibull, nil,
			[]float64{3.83106643824, 0.234612834805, 0.0438786325508, -0.119493471698, 0.0359593541127, 0.615405871961, 0.0930114384772, -0.0727842409198},
			[]float64{0.291323543785, 0.0945275667948, 0.01116297535, 0.148377434835, 0.102510198806, 0.22271128259, 0.0960791970191, 0.0141886156388, 0.0626619930806},
			0.691581087915, -1396.9242392, -1355.97851817},
		{"lognormal, weights 1 + (i mod 3)", weighted, survival.LogNormal, nil,
			[]float64{4.07982104958, 0.299372719324, 0.0330963713647, -0.294493297803, 0.164685991014, 0.762094990813, 0.120334168568, -0.0723416778113},
			[]float64{0.322862454981, 0.113601671813, 0.0110735369568, 0.185977371475, 0.122635633565, 0.228449204673, 0.116505229384, 0.0186655937125, 0.0538431855886},
			1.26092466641, -1399.46623739, -1365.03406825},
		{"loglogistic, scale fixed at 0.8", obs, survival.LogLogistic, &survival.AFTOptions{Scale: 0.8},
			[]float64{3.95366301747, 0.340124244987, 0.0436119660543, -0.325722468726, 0.207638844147, 0.415245627265, 0.0630829267522, -0.0781268296561},
			[]float64{0.525022060793, 0.1771502621, 0.0188334947849, 0.28185306855, 0.192543510005, 0.330941364306, 0.183321886645, 0.027398954466},
			0.8, -698.229339653, -682.721098884},
		{"weibull, scale fixed at 0.5", obs, survival.Weibull, &survival.AFTOptions{Scale: 0.5},
			[]float64{3.95025171328, 0.199338754767, 0.0295451359529, -0.161363948312, 0.0748972651539, 0.222709730013, 0.0408310683131, -0.0496019911114},
			[]float64{0.295332691699, 0.0958189845494, 0.0110742612933, 0.153975297812, 0.106571017451, 0.191308989021, 0.0980654768164, 0.0145436291105},
			0.5, -706.88018461, -688.904086771},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := survival.FitAFT(tc.obs, X, tc.dist, tc.opt)
			require.NoError(t, err)
			got := append([]float64{m.Intercept}, m.Coef...)
			require.Len(t, got, len(tc.coef))
			require.Len(t, m.StdErr, len(tc.se))
			for j := range tc.coef {
				require.InEpsilon(t, tc.coef[j], got[j], 1e-6, "coef %d", j)
			}
			for j := range tc.se {
				require.InEpsilon(t, tc.se[j], m.StdErr[j], 1e-6, "SE %d", j)
			}
			require.InEpsilon(t, tc.scale, m.Scale, 1e-6)
			require.InEpsilon(t, tc.null, m.NullLogLikelihood, 1e-8)
			require.InEpsilon(t, tc.loglik, m.LogLikelihood, 1e-8)
			require.False(t, math.IsNaN(m.LikelihoodRatio.P))
		})
	}
}
