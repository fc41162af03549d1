#!/usr/bin/env bash
# Set up digitize on Debian or Ubuntu, then run the sample dossier or the test suite.
#
#   ./setup.sh samples   install what is missing, then `digitize run samples/`
#   ./setup.sh test      the same plus test dependencies, then the import contracts and the
#                        test suite
#
# Works as root, or as a normal user with sudo. Installs only what is missing: system packages
# with apt-get, the Python package into ./.venv.
set -euo pipefail

mode="${1:-samples}"
case "$mode" in
  samples|test) ;;
  *) echo "usage: ./setup.sh [samples|test]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  SUDO=()
fi

# --- system packages ------------------------------------------------------------------------
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

command -v python3 >/dev/null 2>&1 || need+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  need+=(python3-venv)
fi
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
langs="$(tesseract --list-langs 2>/dev/null || true)"
grep -qx vie <<<"$langs" || need+=(tesseract-ocr-vie)
grep -qx osd <<<"$langs" || need+=(tesseract-ocr-osd)
if [ "$mode" = test ]; then
  # Fonts with Vietnamese glyphs draw the synthetic test pages; Redis runs the queue tests;
  # qpdf and poppler's pdftotext check the searchable PDFs as other readers see them.
  have_pkg fonts-dejavu-core || need+=(fonts-dejavu-core)
  have_pkg fonts-liberation2 || need+=(fonts-liberation2)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  # The desk page's browser test drives Debian's Chromium (Playwright never downloads one).
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi

if [ "${#need[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing ${need[*]} and no apt-get here; install them with your package manager." >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
    echo "error: missing ${need[*]}; run this as root or install sudo." >&2
    exit 1
  fi
  say "Installing system packages: ${need[*]}"
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null
fi

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: digitize needs Python 3.11 or newer; this python3 is $(python3 -V 2>&1)." >&2
  exit 1
fi

# --- Python environment ---------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment in .venv"
  python3 -m venv .venv
fi
extra=""
[ "$mode" = test ] && extra="[test]"
say "Installing digitize${extra} into .venv"
log=.venv/install.log
if ! { .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip &&
       .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"; } >"$log" 2>&1
then
  cat "$log" >&2
  echo "error: installing the Python packages failed (the log is above, and in $log)." >&2
  exit 1
fi

# --- run --------------------------------------------------------------------------------------
if [ "$mode" = samples ]; then
  say "Processing the sample dossier in samples/"
  .venv/bin/digitize run samples/ --out ./digitized
  exit $?
fi

# The dependency direction (pyproject.toml, [tool.importlinter]) before the tests: a wrong-way
# import fails here in seconds, with the chain that breaks it.
say "Checking the import contracts"
.venv/bin/lint-imports --no-cache

# The test files are shared out among one process per core (at most four), a file's tests in
# one process: reading pages is single-threaded, so a second core halves the time.
say "Running the test suite"
exec .venv/bin/python -m pytest -q -n auto --maxprocesses 4 --dist loadfile "${@:2}"
