"""The rating apps' fixtures (tests/rating_fixtures.py) for the tests in this folder."""

from tests.rating_fixtures import _chinese, inspect, ruleset_2026  # noqa: F401 -- fixtures, found by name
