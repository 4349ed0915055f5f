"""Helpers for the test suite: real servers started on demand, torn down afterwards."""
