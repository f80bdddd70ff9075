"""Observed data: what GitHub and the package index say about each item (fetched by `refresh`)."""
