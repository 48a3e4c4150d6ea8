"""A job's score weights: the employer's editor over interview_dynamicscoreweight."""
