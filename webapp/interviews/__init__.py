"""Interviews: the employer's list of interviews and the review page of one interview."""
