"""The action server's package: custom actions that answer from the office dataset.

Start it with `python -m actions.server` (loads and validates the dataset first).
"""
