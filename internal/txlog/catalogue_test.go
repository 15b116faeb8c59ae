package txlog_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ltvgo/ltv/internal/txlog"
	"github.com/ltvgo/ltv/internal/txlog/txlogtest"
)

// The shared step itself names the catalogue's bad rows, in any zone and
// with or without a last day, and leaves the log alone.
func TestReadCatalogue(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	for _, bc := range txlogtest.BadLogs() {
		for _, loc := range []*time.Location{nil, berlin} {
			for _, last := range []int64{txlog.NoLimit, 0} {
				before := slices.Clone(bc.Txns)
				l, p := txlog.Read(bc.Txns, loc, last)
				require.Nil(t, l, bc.Name)
				require.NotNil(t, p, bc.Name)
				require.Equal(t, bc.Row, p.Row, bc.Name)
				require.Equal(t, bc.Field, p.Field, bc.Name)
				require.True(t, txlogtest.Same(before, bc.Txns), bc.Name)
			}
		}
	}
	for _, good := range [][]txlogtest.Tx{txlogtest.GoodLog(), txlogtest.BigLog(1<<16 + 3)} {
		_, p := txlog.Read(good, nil, txlog.NoLimit)
		require.Nil(t, p)
	}
}

// FirstBad, the reference the fuzz targets check errors against, agrees
// with the catalogue; CheckError accepts the shared step's errors and
// refuses others.
func TestFirstBadAndCheckError(t *testing.T) {
	for _, bc := range txlogtest.BadLogs() {
		row, field := txlogtest.FirstBad(bc.Txns)
		require.Equal(t, bc.Row, row, bc.Name)
		require.Equal(t, bc.Field, field, bc.Name)
		_, p := txlog.Read(bc.Txns, nil, txlog.NoLimit)
		err := p.Err("pkg.F")
		require.Empty(t, txlogtest.CheckError(err, "pkg.F", bc.Txns), bc.Name)
		require.NotEmpty(t, txlogtest.CheckError(err, "pkg.G", bc.Txns), bc.Name)
		wrong := (&txlog.Problem{Row: bc.Row + 1, Field: bc.Field, Reason: "x"}).Err("pkg.F")
		require.NotEmpty(t, txlogtest.CheckError(wrong, "pkg.F", bc.Txns), bc.Name)
	}
	row, _ := txlogtest.FirstBad(txlogtest.GoodLog())
	require.Equal(t, -1, row)
	require.NotEmpty(t, txlogtest.CheckError(errors.New("plain"), "pkg.F", txlogtest.GoodLog()))
}
