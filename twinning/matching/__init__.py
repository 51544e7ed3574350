"""The matching model: plain data in, ranked and explained suggestions out.

Nothing in this package imports Flask, SQLAlchemy or :mod:`twinning.models`; it works on
plain records so it can be tested, benchmarked and evaluated without an application.
"""
