"""Candidate rankings per job: the scoring engine (formulas, components query, recompute) and its pages."""
