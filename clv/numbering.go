package clv

// numbering gives distinct keys dense numbers 0, 1, … in the order they
// are first seen: the one way this package groups rows by a key.
type numbering[K comparable] struct {
	index map[K]int32
	keys  []K // keys[n] is the key numbered n
}

// number returns k's number, giving k the next one when it is new.
func (n *numbering[K]) number(k K) int32 {
	if i, ok := n.index[k]; ok {
		return i
	}
	if n.index == nil {
		n.index = map[K]int32{}
	}
	i := int32(len(n.keys))
	n.index[k] = i
	n.keys = append(n.keys, k)
	return i
}
