"""`flask --app wsgi bench-data --sessions N`: fill a database to platform size for the benchmarks.

The data is a skewed platform scaled on N (figures for N = 1,000,000): about
5,000 companies of Zipf-like sizes, 200,000 candidates, a year of interview
sessions up to three weeks ahead, about 9 sentiment points per completed
interview (5.8M), skills, assessments, cultural fit, behavioral analysis,
rankings, subscriptions, usage, learning paths and the daily rollups. One
company, the biggest employer, holds 20% of all sessions and a hot job with
0.5% of them (5,000 interviews).

Well-known logins (password `jobhive-demo-pass` for every bench user):

- `big@bench.jobhive.test`: owner of the biggest company ("Bench Megacorp"); its
  first job is the hot job, and its first completed interview there has 250
  sentiment points;
- `small@bench.jobhive.test`: owner of the smallest company;
- `admin@bench.jobhive.test`: admin;
- `candidate@bench.jobhive.test`: a candidate with 40 practice sessions and their
  learning paths, plus a few real interviews.

Every bench user's email ends in `@bench.jobhive.test`: that is how a refill
recognises a bench database, and why it refuses any database with another user.
"""

from webapp.benchdata.load import (  # noqa: F401
    BENCH_DOMAIN,
    LOGINS,
    BenchDataRefused,
    fill,
)
