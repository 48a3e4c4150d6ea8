"""Company analytics: KPIs, charts and per-job figures over a date range, backed by daily rollups."""
