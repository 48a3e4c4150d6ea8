"""Accounts: sign-up, email verification, password reset and change, the account page."""
