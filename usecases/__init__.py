"""The pipeline's use cases: what each stage does with the database.

Data flows arXiv (sources/) -> PDF cache (sources/) -> text and candidates (extractors/) -> rows
(usecases/paper_stages.py, through db/ and models/) -> compute estimates, points and fits (usecases/scaling.py,
usecases/points.py, with the arithmetic in analysis/). Flows and commands call these functions; db/
itself only knows engines, sessions, migrations and upserts.
"""
