"""Reviewing low-confidence extractions.

Candidates below `review.min_confidence` are "pending": kept out of the regressions until a reviewer
accepts or corrects them (usecases/effective.py applies the decisions). This package holds the review queue
(`queue`), the decisions (`decisions`), what a reviewer sees about one candidate (`detail`, `context`,
`evidence`), the export of decisions as evaluation labels (`export`), the interactive walk (`walk`)
and the local web page (`web`). The `progress review` commands (cli/group_review.py) are thin
wrappers around these.
"""
