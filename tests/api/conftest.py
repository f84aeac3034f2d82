from tests.publicsite.results import frozen_today, publisher, results

__all__ = ["frozen_today", "publisher", "results"]
