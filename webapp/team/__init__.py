"""Hiring teams: company members, their roles and what each may see and do."""
