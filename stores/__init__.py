"""Tracker stores for the production profile (endpoints.production.yml)."""
