"""Admin plan management: the subscription plans users can buy, and their sync to Stripe."""
