package txlog_test

import (
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
