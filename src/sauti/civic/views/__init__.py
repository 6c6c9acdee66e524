"""Civic pages (thin: parse the request, call selectors/services, render)."""
