"""A job's hiring pipeline: stages, the board and table, decisions, the company's pipeline settings."""
