"""A candidate's interview history: their real (non-practice) interviews and the results shared with them."""
