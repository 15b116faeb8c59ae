package clv_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

func TestValueSensitivity(t *testing.T) {
	// Every entry against the sum of clv.Value at the same options.
	cs := simulatedBase(3000, 5)
	cs[7].Weight = 3
	base := clv.ValueOptions{Period: week, Horizon: 12, Discount: 0.01, Margin: 0.3}
	total := func(opt clv.ValueOptions) float64 {
		v, err := clv.Value(bgPub, ggPub, cs, opt)
		require.NoError(t, err)
		var s float64
		for i, x := range v {
			w := cs[i].Weight
			if w == 0 {
				w = 1
			}
			s += w * x
		}
		return s
	}
	keep := append([]clv.Customer(nil), cs...)
	margins, horizons := []float64{0.5, 0.2}, []int{24, 6}
	s, err := clv.ValueSensitivity(bgPub, ggPub, cs, base, clv.SensitivityOptions{
		Margins: margins, Discounts: []float64{0, 0.02}, Horizons: horizons,
	})
	require.NoError(t, err)
	assert.Equal(t, keep, cs)
	assert.Equal(t, []float64{0.5, 0.2}, margins, "settings not modified")
	assert.Equal(t, []int{24, 6}, horizons)
	assert.InEpsilon(t, total(base), s.Base, 1e-12)
	require.Len(t, s.Inputs, 3)
	for _, in := range s.Inputs {
		require.Len(t, in.Values, 2, in.Name)
		for j, v := range in.Settings {
			opt := base
			switch in.Name {
			case "Margin":
				opt.Margin = v
			case "Discount":
				opt.Discount = v
			case "Horizon":
				opt.Horizon = int(v)
			}
			assert.InEpsilon(t, total(opt), in.Values[j], 1e-12, "%s = %v", in.Name, v)
		}
		assert.Less(t, in.Settings[0], in.Settings[1], "ascending")
		assert.LessOrEqual(t, in.Low, s.Base)
		assert.GreaterOrEqual(t, in.High, s.Base)
	}
	for i := 1; i < len(s.Inputs); i++ {
		assert.GreaterOrEqual(t, s.Inputs[i-1].High-s.Inputs[i-1].Low, s.Inputs[i].High-s.Inputs[i].Low, "widest first")
	}
	// Horizon 6..24 moves the value most here, margin 0.2..0.5 next.
	assert.Equal(t, "Horizon", s.Inputs[0].Name)

	for _, tc := range []struct {
		field string
		opt   clv.SensitivityOptions
	}{
		{"SensitivityOptions.Margins", clv.SensitivityOptions{Margins: []float64{0.2, 0}}},
		{"SensitivityOptions.Discounts", clv.SensitivityOptions{Discounts: []float64{-1}}},
		{"SensitivityOptions.Horizons", clv.SensitivityOptions{Horizons: []int{clv.MaxHorizon + 1}}},
	} {
		_, err := clv.ValueSensitivity(bgPub, ggPub, cs, base, tc.opt)
		var de *clv.DataError
		require.True(t, errors.As(err, &de), tc.field)
		assert.Equal(t, tc.field, de.Field)
		assert.ErrorIs(t, err, clv.ErrInvalid)
	}
	// A BG/BB horizon past MaxOpportunities has no value: 10,000 months of
	// 20 opportunities.
	bb := clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	bbBase := clv.ValueOptions{Period: 24 * time.Hour, CashFlow: 20 * 24 * time.Hour, Horizon: 3, Margin: 1}
	bbCs := []clv.Customer{{Frequency: 2, Recency: 4, T: 6, Monetary: 10}, {T: 6}}
	_, err = clv.ValueSensitivity(bb, ggPub, bbCs, bbBase, clv.SensitivityOptions{Horizons: []int{clv.MaxHorizon}})
	var de *clv.DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "SensitivityOptions.Horizons", de.Field)
	assert.ErrorIs(t, err, clv.ErrUndefined)
	_, err = clv.ValueSensitivity(constantModel(1), ggPub, cs, base, clv.SensitivityOptions{})
	assert.ErrorIs(t, err, clv.ErrInvalid)
	empty, err := clv.ValueSensitivity(bgPub, ggPub, cs, base, clv.SensitivityOptions{})
	require.NoError(t, err)
	assert.Empty(t, empty.Inputs)
}
