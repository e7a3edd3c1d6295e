package main

import (
	"errors"
	"strconv"
	"strings"
)

// errSize is a size parseSize cannot read.
var errSize = errors.New("not a size: a number of bytes, optionally followed by KiB or MiB")

// parseSize reads a size in bytes: digits, optionally followed by KiB (1024 bytes) or MiB (1024 KiB). It
// refuses a size that does not fit in an int64 rather than wrapping.
func parseSize(s string) (int64, error) {
	unit := int64(1)
	switch {
	case strings.HasSuffix(s, "MiB"):
		s, unit = strings.TrimSuffix(s, "MiB"), 1<<20
	case strings.HasSuffix(s, "KiB"):
		s, unit = strings.TrimSuffix(s, "KiB"), 1<<10
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errSize
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > (1<<63-1)/unit {
		return 0, errSize
	}
	return n * unit, nil
}
