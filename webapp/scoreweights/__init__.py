"""Admin area: the default score weights per job focus (interview_scoreweight)."""
