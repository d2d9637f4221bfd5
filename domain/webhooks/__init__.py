"""Webhooks: a tenant's endpoints, their signing secrets and the log of deliveries."""
