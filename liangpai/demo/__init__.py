"""The demo city behind `manage.py seed_demo`: synthetic data shaped like the source city.

Not a Django app (no models): it writes through the domain models, once, into an
empty database.
"""
