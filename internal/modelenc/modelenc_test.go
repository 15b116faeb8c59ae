package modelenc

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/fault"
)

type inner struct {
	X []float64
	N int32
}

type base struct {
	A      float64
	Period time.Duration
}

type sample struct {
	base
	B      []float64
	M      [][]float64
	S      []string
	Flag   bool
	In     inner
	Ptr    *inner
	Nil    *inner
	hidden float64
}

var kind = Kind{Name: "test.Sample", Version: 3}

// Every supported field kind round-trips bit for bit, NaN, ±Inf and −0
// included, with the unit in the envelope and the fit object.
func TestRoundTrip(t *testing.T) {
	v := sample{base: base{A: math.Copysign(0, -1), Period: 36 * time.Hour}, B: []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e-308, 5e-324},
		M: [][]float64{{1, 2}, nil, {}}, S: []string{"a\"b", "µ"}, Flag: true, In: inner{X: []float64{}, N: -7}, Ptr: &inner{N: 1}, hidden: 3}
	fit := inner{X: []float64{math.MaxFloat64}, N: 2}
	b, err := Marshal(kind, v, fit)
	require.NoError(t, err)
	assert.Equal(t, `{"kind":"test.Sample","version":3,"unit":"36h0m0s","params":{"A":-0,"B":["NaN","+Inf","-Inf",1e-308,5e-324],`+
		`"M":[[1,2],null,[]],"S":["a\"b","µ"],"Flag":true,"In":{"X":[],"N":-7},"Ptr":{"X":null,"N":1},"Nil":null},"fit":{"X":[1.7976931348623157e+308],"N":2}}`, string(b))
	var got sample
	var gotFit inner
	require.NoError(t, Unmarshal("f", b, kind, &got, &gotFit))
	v.hidden = 0
	assert.Equal(t, math.Float64bits(v.A), math.Float64bits(got.A))
	assert.True(t, math.IsNaN(got.B[0]))
	got.B[0], v.B[0] = 0, 0
	assert.Equal(t, v, got)
	assert.Equal(t, fit, gotFit)
}

// Errors name the key by its path.
func TestUnmarshalErrors(t *testing.T) {
	cases := map[string]string{
		`[]`: "",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":[[1,"x"]],"S":null,"Flag":false,"In":{"X":null,"N":0},"Ptr":null,"Nil":null}}`:          "params.M[0][1]",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":null,"S":null,"Flag":false,"In":{"X":null,"N":1e10},"Ptr":null,"Nil":null}}`:            "params.In.N",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":null,"S":null,"Flag":false,"In":{"X":null},"Ptr":null,"Nil":null}}`:                     "params.In.N",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":null,"S":[1],"Flag":false,"In":{"X":null,"N":0},"Ptr":null,"Nil":null}}`:                "params.S[0]",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":null,"S":null,"Flag":false,"In":{"X":null,"N":0},"Ptr":null,"Nil":null,"hidden":1}}`:    "params.hidden",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":null,"S":null,"Flag":false,"In":{"X":null,"N":0},"Ptr":null,"Nil":null},"fit":{}}`:      "fit",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":null,"S":null,"Flag":false,"In":{"X":null,"N":0},"Ptr":null,"Nil":null,"Period":"1h"}}`: "params.Period",
		`{"kind":"test.Sample","version":"3","unit":"1h","params":{"A":1,"B":null,"M":null,"S":null,"Flag":false,"In":{"X":null,"N":0},"Ptr":null,"Nil":null}}`:             "version",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":"Infinity","B":null,"M":null,"S":null,"Flag":false,"In":{"X":null,"N":0},"Ptr":null,"Nil":null}}`:      "params.A",
		`{"kind":"test.Sample","version":3,"unit":"1h","params":{"A":1,"B":null,"M":null,"S":null,"Flag":false,"In":{"X":null,"N":0},"Ptr":{"X":[true],"N":0},"Nil":null}}`: "params.Ptr.X[0]",
	}
	for data, field := range cases {
		var v sample
		err := Unmarshal("f", []byte(data), kind, &v, nil)
		var de *fault.DataError
		require.True(t, errors.As(err, &de), "%s: %v", data, err)
		assert.Equal(t, field, de.Field, "%s: %v", data, err)
		assert.ErrorIs(t, err, fault.ErrInvalid)
	}
}

func TestChecks(t *testing.T) {
	var de *fault.DataError
	require.ErrorAs(t, CheckFinite("f", "params", sample{B: []float64{1, math.NaN()}}), &de)
	assert.Equal(t, "params.B[1]", de.Field)
	require.ErrorAs(t, CheckPositive("f", "params", base{A: 0}), &de)
	assert.Equal(t, "params.A", de.Field)
	require.ErrorAs(t, CheckMatrix("f", "Cov", [][]float64{{1, 2}, {3}}, 2, false), &de)
	assert.Equal(t, "Cov[1]", de.Field)
	assert.NoError(t, CheckMatrix("f", "Cov", nil, 2, true))
	require.ErrorAs(t, CheckLens("f", "p.", 2, true, Column{"X", 2}, Column{"Y", 0}, Column{"Z", 1}), &de)
	assert.Equal(t, "p.Z", de.Field)
}
