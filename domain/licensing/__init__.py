"""Licence tiers: plans, subscriptions and the quotas and features they grant."""
