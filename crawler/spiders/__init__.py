"""Spiders: one per portal of the registry (``portals.py``) and the generic ``discover``."""
