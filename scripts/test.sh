#!/usr/bin/env bash
# Runs every test against real ffmpeg, SQLite, PostgreSQL, Kivy under Xvfb and headless Chromium.
# With arguments, runs pytest with them. Without, runs the suite, each box module that drives the
# app inside pytest's own process in a process of its own: Kivy keeps one window and one clock
# per process, so a second app in the same process inherits the first one's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export SDL_AUDIODRIVER=dummy KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1
pytest=(.venv/bin/python -m pytest -q -rs)
if [ $# -gt 0 ]; then
  exec "${pytest[@]}" "$@"
fi
in_process_box=(tests/test_box_ui.py tests/test_box_lived_in.py tests/test_box_lived_in_4k.py tests/test_box_playback.py tests/test_box_urgent.py
                tests/test_box_calculator.py tests/test_box_screen_openings.py tests/test_box_without_mongolian.py
                tests/test_box_remote_keys.py tests/test_box_notices.py tests/test_box_appointments.py
                tests/test_box_plays.py tests/test_box_place.py tests/test_box_dictionary.py tests/test_box_offices.py)
# the box modules' demo content (transcoded videos) is made once for the run (tests/demo_content.py)
LEGALTV_TEST_DEMOS=$(mktemp -d -t ltv-demos-XXXXXX)
export LEGALTV_TEST_DEMOS
trap 'rm -rf "$LEGALTV_TEST_DEMOS"' EXIT
ignored=()
for module in "${in_process_box[@]}"; do ignored+=(--ignore="$module"); done
status=0
"${pytest[@]}" "${ignored[@]}" || status=1
# BOX_JOBS box modules at a time (default one): each has its own process, display and server, and
# much of their time is video playing, so BOX_JOBS=2 saves minutes on a machine with cores to
# spare; on two cores the load it adds is not worth the risk to the run. Each one's output is
# shown whole, in the list's order, once all have ended.
box_logs=$LEGALTV_TEST_DEMOS/logs
mkdir -p "$box_logs"
running=0
for n in "${!in_process_box[@]}"; do
  { rc=0; "${pytest[@]}" "${in_process_box[$n]}" > "$box_logs/$n.out" 2>&1 || rc=$?; echo $rc > "$box_logs/$n.rc"; } &
  running=$((running + 1))
  if [ "$running" -ge "${BOX_JOBS:-1}" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
for n in "${!in_process_box[@]}"; do
  echo "== ${in_process_box[$n]}"
  cat "$box_logs/$n.out"
  [ "$(cat "$box_logs/$n.rc")" = 0 ] || status=1
done
exit $status
