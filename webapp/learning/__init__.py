"""Learning paths: a candidate turns a practice session's gaps into an ordered list of resources."""
