package refdata

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCDNOW(t *testing.T) {
	// The first three lines of CDNOW_sample.txt (customer 1, MODELS.md §1).
	txns, err := ParseCDNOW(strings.NewReader(" 00004 0001 19970101  2   29.33\n\n 00004 0001 19970118  2   29.73\n 00004 0001 19970802  1   14.96\n"))
	require.NoError(t, err)
	require.Len(t, txns, 3)
	assert.Equal(t, Purchase{CustomerID: "1", At: time.Date(1997, 1, 18, 0, 0, 0, 0, time.UTC), Amount: 29.73}, txns[1])
	for _, bad := range []string{"1 2 3\n", "a x 19970101 1 2\n", "1 1 1997-01-01 1 2\n", "1 1 19970101 1 x\n", "\n"} {
		_, err := ParseCDNOW(strings.NewReader(bad))
		assert.Error(t, err, "%q", bad)
	}
	_, err = ParseCDNOW(strings.NewReader(" 1 1 19970101 1 2\n 1 1 1997 1 2\n"))
	assert.ErrorContains(t, err, "line 2")
}
