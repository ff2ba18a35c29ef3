#!/usr/bin/env bash
# Autogenerate a migration from the models against a scratch database at the current head.
# Usage: db/make_migration.sh "what changed"
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
url="sqlite:///$scratch/scratch.sqlite"
python - "$url" "$1" <<'PY'
import sys
from alembic import command
from db.migrate import alembic_config, upgrade_to_head
url, message = sys.argv[1], sys.argv[2]
upgrade_to_head(url)
command.revision(alembic_config(url), message=message, autogenerate=True)
PY
rm -rf "$scratch"
