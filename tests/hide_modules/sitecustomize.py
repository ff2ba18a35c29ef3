"""Test aid: with this folder on PYTHONPATH, the modules named in $HIDE_MODULES (comma-separated) act
as if they were not installed: finding or importing them raises ModuleNotFoundError. The tests use it
to run the CLI as a machine without an optional extra (psycopg, pyarrow, datasette, prefect_dask)
would, whatever this machine has installed."""
import os
import sys

_HIDDEN = {name for name in os.environ.get("HIDE_MODULES", "").split(",") if name}


class _Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _HIDDEN:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


if _HIDDEN:
    sys.meta_path.insert(0, _Hide())
