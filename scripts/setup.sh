#!/usr/bin/env bash
# Set up a fresh Debian machine: system packages, then a virtual environment with every Python
# package pinned. Run as root (or with sudo available). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv
  libreoffice-writer-nogui   # DOC/WPS -> DOCX
  libreoffice-calc-nogui     # ET/odd XLS -> XLSX
  fonts-noto-cjk             # Chinese fonts for LibreOffice and rendering
  poppler-utils              # pdftoppm, used by the test-document generator's scans
  libgl1 libglib2.0-0        # OpenCV's shared libraries (OCR)
  chromium                   # the browser scrapy-playwright drives (Playwright cannot download one)
  redis-server               # distributed crawls' shared frontier (docs/distributed.md); never
                             # relied on as a service: the tests start their own on a free port
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[ocr,dev]"

# --- Chromium's own sandbox when the crawler runs as root ---------------------------------------
# Chromium refuses root unless its sandbox is off; as root the crawler runs it as this
# unprivileged user instead (crawler/bin/chromium-sandboxed, docs/crawler.md).
if [ "$(id -u)" -eq 0 ] && ! id xxgk-browser >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin xxgk-browser
fi

echo "setup complete: .venv/bin/xxgk is ready"
