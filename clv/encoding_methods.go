package clv

// MarshalJSON returns the saved form of m (see "Saving and loading
// models" in the package documentation).
func (m BGNBD) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved BGNBD, refusing another kind or version, a
// missing or unknown key, and a parameter that is not finite and > 0.
func (m *BGNBD) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m MBGNBD) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved MBGNBD, validated as BGNBD.UnmarshalJSON.
func (m *MBGNBD) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m ParetoNBD) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved ParetoNBD, validated as BGNBD.UnmarshalJSON.
func (m *ParetoNBD) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m BGBB) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved BGBB, validated as BGNBD.UnmarshalJSON.
func (m *BGBB) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m GammaGamma) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved GammaGamma, validated as BGNBD.UnmarshalJSON.
func (m *GammaGamma) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m ShiftedBetaGeometric) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved ShiftedBetaGeometric, validated as
// BGNBD.UnmarshalJSON.
func (m *ShiftedBetaGeometric) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m BetaDiscreteWeibull) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved BetaDiscreteWeibull, validated as
// BGNBD.UnmarshalJSON.
func (m *BetaDiscreteWeibull) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m, its coefficients and column
// names included.
func (m BGNBDCov) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved BGNBDCov, validated as BGNBD.UnmarshalJSON,
// with finite coefficients and one name per coefficient when named.
func (m *BGNBDCov) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m MBGNBDCov) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved MBGNBDCov, validated as
// BGNBDCov.UnmarshalJSON.
func (m *MBGNBDCov) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m ParetoNBDCov) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved ParetoNBDCov, validated as
// BGNBDCov.UnmarshalJSON.
func (m *ParetoNBDCov) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m.
func (m BGBBCov) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved BGBBCov, validated as
// BGNBDCov.UnmarshalJSON.
func (m *BGBBCov) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of f: every field, NaN standard
// errors of held parameters included (as "NaN").
func (f Fit) MarshalJSON() ([]byte, error) { return marshal(f, nil) }

// UnmarshalJSON loads a saved Fit, refusing another kind or version and a
// missing or unknown key.
func (f *Fit) UnmarshalJSON(data []byte) error { return unmarshal(data, f, nil) }

// MarshalJSON returns the saved form of m, its coefficients and column
// names included (without it, GammaGamma's would save the base model
// only).
func (m GammaGammaCov) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved GammaGammaCov, validated as
// BGNBDCov.UnmarshalJSON.
func (m *GammaGammaCov) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m, its coefficients and column
// names included.
func (m ShiftedBetaGeometricCov) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved ShiftedBetaGeometricCov, validated as
// BGNBDCov.UnmarshalJSON.
func (m *ShiftedBetaGeometricCov) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }

// MarshalJSON returns the saved form of m, its coefficients and column
// names included.
func (m BetaDiscreteWeibullCov) MarshalJSON() ([]byte, error) { return marshal(m, nil) }

// UnmarshalJSON loads a saved BetaDiscreteWeibullCov, validated as
// BGNBDCov.UnmarshalJSON.
func (m *BetaDiscreteWeibullCov) UnmarshalJSON(data []byte) error { return unmarshal(data, m, nil) }
