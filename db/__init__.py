"""Storage and queries: the bundled reference database, the user's own data store
and the importers of official CMS files. No Qt here (tests/test_layers.py)."""
