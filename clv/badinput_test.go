package clv_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/clv"
)

// The model-side bad-input catalogue of clv (the transaction-log side is
// in txlog_badinput_test.go): every bad summary row or option is answered
// by a *DataError naming the function, row and field and wrapping the
// sentinel, and the input is left alone.
func TestBadInputCatalogue(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ok := []clv.Customer{
		{Frequency: 2, Recency: 30, T: 38, Monetary: 20}, {Frequency: 0, T: 38},
		{Frequency: 5, Recency: 10, T: 20, Monetary: 12}, {Frequency: 1, Recency: 4, T: 25, Monetary: 35},
		{Frequency: 3, Recency: 33, T: 36, Monetary: 8},
	}
	with := func(row int, c clv.Customer) []clv.Customer {
		cs := slices.Clone(ok)
		cs[row] = c
		return cs
	}
	type call func([]clv.Customer) error
	fitBG := func(cs []clv.Customer) error { _, _, err := clv.FitBGNBD(cs, nil); return err }
	fitMBG := func(cs []clv.Customer) error { _, _, err := clv.FitMBGNBD(cs, nil); return err }
	fitPareto := func(cs []clv.Customer) error { _, _, err := clv.FitParetoNBD(cs, nil); return err }
	fitGG := func(cs []clv.Customer) error { _, _, err := clv.FitGammaGamma(cs, nil); return err }
	fitBGBB := func(cs []clv.Customer) error { _, _, err := clv.FitBGBB(cs, nil); return err }
	score := func(opt clv.ValueOptions) call {
		return func(cs []clv.Customer) error { _, err := clv.Score(bgPub, ggPub, cs, opt); return err }
	}
	good := clv.ValueOptions{Period: week, Horizon: 12, Margin: 0.3}
	tests := []struct {
		name, fn string
		f        call
		cs       []clv.Customer
		row      int
		field    string
		err      error
	}{
		{"NaN frequency", "clv.FitBGNBD", fitBG, with(1, clv.Customer{Frequency: nan, T: 3}), 1, "Frequency", clv.ErrInvalid},
		{"negative frequency", "clv.FitMBGNBD", fitMBG, with(2, clv.Customer{Frequency: -1, T: 3}), 2, "Frequency", clv.ErrInvalid},
		{"fractional frequency", "clv.FitParetoNBD", fitPareto, with(0, clv.Customer{Frequency: 0.5, Recency: 1, T: 3}), 0, "Frequency", clv.ErrInvalid},
		{"infinite T", "clv.FitBGNBD", fitBG, with(3, clv.Customer{Frequency: 1, Recency: 1, T: inf}), 3, "T", clv.ErrInvalid},
		{"negative recency", "clv.FitParetoNBD", fitPareto, with(4, clv.Customer{Frequency: 1, Recency: -1, T: 3}), 4, "Recency", clv.ErrInvalid},
		{"recency after T", "clv.FitMBGNBD", fitMBG, with(1, clv.Customer{Frequency: 1, Recency: 4, T: 3}), 1, "Recency", clv.ErrInvalid},
		{"recency without repeat purchases", "clv.FitBGNBD", fitBG, with(2, clv.Customer{Frequency: 0, Recency: 1, T: 3}), 2, "Recency", clv.ErrInvalid},
		{"repeat purchases at time 0", "clv.FitParetoNBD", fitPareto, with(3, clv.Customer{Frequency: 4, Recency: 0, T: 3}), 3, "Recency", clv.ErrInvalid},
		{"NaN weight", "clv.FitBGNBD", fitBG, with(0, clv.Customer{Frequency: 1, Recency: 1, T: 3, Weight: nan}), 0, "Weight", clv.ErrInvalid},
		{"negative weight", "clv.FitGammaGamma", fitGG, with(1, clv.Customer{Frequency: 1, Recency: 1, T: 3, Monetary: 5, Weight: -2}), 1, "Weight", clv.ErrInvalid},
		{"zero spend", "clv.FitGammaGamma", fitGG, with(2, clv.Customer{Frequency: 1, Recency: 1, T: 3}), 2, "Monetary", clv.ErrInvalid},
		{"infinite spend", "clv.FitGammaGamma", fitGG, with(3, clv.Customer{Frequency: 1, Recency: 1, T: 3, Monetary: inf}), 3, "Monetary", clv.ErrInvalid},
		{"overflowing total spend", "clv.FitGammaGamma", fitGG, with(4, clv.Customer{Frequency: 3, Recency: 1, T: 3, Monetary: 1e308}), 4, "Monetary", clv.ErrInvalid},
		{"BG/BB fractional recency", "clv.FitBGBB", fitBGBB, []clv.Customer{{Frequency: 1, Recency: 1.5, T: 3}, {T: 3}}, 0, "Recency", clv.ErrInvalid},
		{"BG/BB more purchases than opportunities", "clv.FitBGBB", fitBGBB, []clv.Customer{{T: 3}, {Frequency: 3, Recency: 2, T: 3}}, 1, "Frequency", clv.ErrInvalid},
		{"BG/BB beyond MaxOpportunities", "clv.FitBGBB", fitBGBB, []clv.Customer{{T: 3}, {Frequency: 1, Recency: 1, T: 1e15}}, 1, "T", clv.ErrInvalid},
		{"no customers", "clv.FitBGNBD", fitBG, nil, -1, "", clv.ErrEmpty},
		{"no repeat purchase", "clv.FitParetoNBD", fitPareto, []clv.Customer{{T: 3}, {T: 5}, {T: 4}, {T: 9}}, -1, "Frequency", clv.ErrInvalid},
		{"fewer rows than parameters", "clv.FitBGNBD", fitBG, ok[:3], -1, "", clv.ErrEmpty},
		{"no spend data", "clv.FitGammaGamma", fitGG, []clv.Customer{{T: 3}, {T: 4}}, -1, "Frequency", clv.ErrEmpty},
		{"score: bad customer", "clv.Score", score(good), with(2, clv.Customer{Frequency: 1, Recency: nan, T: 3, Monetary: 4}), 2, "Recency", clv.ErrInvalid},
		{"score: no period", "clv.Score", score(clv.ValueOptions{Horizon: 12, Margin: 0.3}), ok, -1, "ValueOptions.Period", clv.ErrInvalid},
		{"score: no horizon", "clv.Score", score(clv.ValueOptions{Period: week, Margin: 0.3}), ok, -1, "ValueOptions.Horizon", clv.ErrInvalid},
		{"score: horizon beyond MaxHorizon", "clv.Score", score(clv.ValueOptions{Period: week, Horizon: 1 << 40, Margin: 0.3}), ok, -1, "ValueOptions.Horizon", clv.ErrInvalid},
		{"score: margin above 1", "clv.Score", score(clv.ValueOptions{Period: week, Horizon: 3, Margin: 2}), ok, -1, "ValueOptions.Margin", clv.ErrInvalid},
		{"score: NaN discount", "clv.Score", score(clv.ValueOptions{Period: week, Horizon: 3, Margin: 1, Discount: nan}), ok, -1, "ValueOptions.Discount", clv.ErrInvalid},
		{"fit: negative penalty", "clv.FitBGNBD", func(cs []clv.Customer) error {
			_, _, err := clv.FitBGNBD(cs, &clv.FitOptions{Penalty: -1})
			return err
		}, ok, -1, "FitOptions.Penalty", clv.ErrInvalid},
		{"fit: infinite penalty", "clv.FitGammaGamma", func(cs []clv.Customer) error {
			_, _, err := clv.FitGammaGamma(cs, &clv.FitOptions{Penalty: inf})
			return err
		}, ok, -1, "FitOptions.Penalty", clv.ErrInvalid},
		{"fit: negative MaxIterations", "clv.FitMBGNBD", func(cs []clv.Customer) error {
			_, _, err := clv.FitMBGNBD(cs, &clv.FitOptions{MaxIterations: -1})
			return err
		}, ok, -1, "FitOptions.MaxIterations", clv.ErrInvalid},
		{"fit: start of the wrong length", "clv.FitParetoNBD", func(cs []clv.Customer) error {
			_, _, err := clv.FitParetoNBD(cs, &clv.FitOptions{Start: []float64{1, 2}})
			return err
		}, ok, -1, "FitOptions.Start", clv.ErrInvalid},
		{"fit: non-positive start", "clv.FitBGNBD", func(cs []clv.Customer) error {
			_, _, err := clv.FitBGNBD(cs, &clv.FitOptions{Start: []float64{1, 0, 1, 1}})
			return err
		}, ok, -1, "FitOptions.Start", clv.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.cs)
			var err error
			require.NotPanics(t, func() { err = tt.f(tt.cs) })
			require.ErrorIs(t, err, tt.err)
			var de *clv.DataError
			require.True(t, errors.As(err, &de), "%v", err)
			assert.Equal(t, tt.fn, de.Func)
			assert.Equal(t, tt.row, de.Row)
			assert.Equal(t, tt.field, de.Field)
			assert.True(t, sameCustomers(before, tt.cs), "input modified")
		})
	}
}
