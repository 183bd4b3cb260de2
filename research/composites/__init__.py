"""Composite generators: made-up content-farm articles built from real ones, with their truth."""
