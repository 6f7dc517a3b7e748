"""Webhook subscriptions and deliveries (issue 10)."""
