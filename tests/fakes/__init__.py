"""Fake partners for tests and the demo: real HTTP on loopback."""
