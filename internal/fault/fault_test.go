package fault

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// The message leaves out each part that does not apply (Group or Row −1,
// no Field, no sentinel), and the error unwraps to its sentinel.
func TestDataError(t *testing.T) {
	for _, tc := range []struct {
		err  *DataError
		want string
	}{
		{New("clv.FitBGNBD", 3, "Recency", ErrInvalid, "exceeds T (%v)", 2.5), "clv.FitBGNBD: row 3: Recency exceeds T (2.5): invalid input"},
		{New("clv.Summarize", -1, "", ErrEmpty, "no transactions"), "clv.Summarize: no transactions: empty input"},
		{New("survival.KaplanMeier", -1, "Options.Level", ErrInvalid, "is %v, want in (0, 1)", 1.5), "survival.KaplanMeier: Options.Level is 1.5, want in (0, 1): invalid input"},
		{NewInGroup("survival.LogRankTest", 2, 0, "Time", ErrInvalid, "is NaN"), "survival.LogRankTest: group 2: row 0: Time is NaN: invalid input"},
		{NewInGroup("survival.LogRankTest", 1, -1, "LogRankOptions.Strata", ErrInvalid, "has 2 labels for 3 rows"), "survival.LogRankTest: group 1: LogRankOptions.Strata has 2 labels for 3 rows: invalid input"},
		{&DataError{Func: "pkg.F", Group: -1, Row: -1, Reason: "built by hand"}, "pkg.F: built by hand"},
	} {
		require.Equal(t, tc.want, tc.err.Error())
		require.Equal(t, tc.err.Err, errors.Unwrap(tc.err))
		if tc.err.Err != nil {
			wrapped := fmt.Errorf("outer: %w", tc.err)
			require.ErrorIs(t, wrapped, tc.err.Err)
			var de *DataError
			require.True(t, errors.As(wrapped, &de))
			require.Same(t, tc.err, de)
		}
	}
	require.Equal(t, -1, New("f", 0, "", ErrInvalid, "x").Group)
}
