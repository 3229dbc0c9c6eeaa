#!/usr/bin/env bash
# One command for a newcomer: install, fill the data root with demo content, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
DATA=${LEGAL_TV_DATA:-media}
.venv/bin/content-server demo --data "$DATA"
exec .venv/bin/content-server serve --data "$DATA" --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
