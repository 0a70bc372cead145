"""The MIEB leaderboard: aggregation as the reference computes it, uncertainty, terminal and web views.

`mieb leaderboard` (tables), `mieb leaderboard build|serve` (a static web page) and `mieb compare`
(a run against published scores) are built on `ScoreSet` (scores.py) and `compute_leaderboard`
(aggregation.py). Only numpy and the standard library are needed at run time.
"""

# Defined here, with no imports, so that building the CLI parser stays light.
VIEWS: tuple[str, ...] = ("types", "categories", "tasks")  # column sets: raw task types, paper categories, tasks
DEFAULT_TOLERANCE = 0.5  # `mieb compare`: points on the x100 scale
