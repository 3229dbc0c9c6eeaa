#!/usr/bin/env bash
# One command for a newcomer: install, fill the data root with demo content, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
DATA=${LEGAL_TV_DATA:-media}
.venv/bin/content-server demo --data "$DATA"
cat <<EOT
legal-tv is starting on http://${HOST:-127.0.0.1}:${PORT:-8080}/
  boxes:    .venv/bin/stb-app --server http://${HOST:-127.0.0.1}:${PORT:-8080}
  consoles: http://${HOST:-127.0.0.1}:${PORT:-8080}/console/  (first add an account:
            .venv/bin/content-server user add NAME --role editor|staff|supervisor|admin --data $DATA)
EOT
exec .venv/bin/content-server serve --data "$DATA" --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
