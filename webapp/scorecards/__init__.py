"""Human scorecards of interviews: ratings on the job's attributes and a recommendation per member."""
