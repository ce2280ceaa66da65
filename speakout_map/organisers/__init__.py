"""Organisers: who may change the map, and signing in."""
