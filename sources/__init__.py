"""Where data comes from: the arXiv API, PDF downloads, reference tables and contributions."""
