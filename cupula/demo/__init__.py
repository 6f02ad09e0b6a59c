"""The demo: CAVIAR and a synthetic multi-agency case."""
