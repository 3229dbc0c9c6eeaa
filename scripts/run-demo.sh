#!/usr/bin/env bash
# One command for a newcomer: install, fill the data root with demo content, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
DATA=${LEGAL_TV_DATA:-media}
ADDRESS=http://${HOST:-127.0.0.1}:${PORT:-8080}
# the demo's progress shows as it goes; its last lines are the console accounts, shown again below
DEMO=$(.venv/bin/content-server demo --data "$DATA" | tee /dev/stderr)
cat <<EOT
legal-tv is starting on $ADDRESS/
  boxes:    .venv/bin/stb-app --server $ADDRESS
  consoles: $ADDRESS/console/
$(printf '%s\n' "$DEMO" | sed -n '/^Console accounts/,$p' | sed 's/^/  /')
  more accounts: .venv/bin/content-server user add NAME --role editor|staff|supervisor|admin --data $DATA
EOT
exec .venv/bin/content-server serve --data "$DATA" --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
