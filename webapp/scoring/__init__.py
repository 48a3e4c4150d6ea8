"""Scoring rules shared by the weights editor and the candidate rankings."""
