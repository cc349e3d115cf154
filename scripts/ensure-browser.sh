#!/usr/bin/env bash
# Make sure a headless Chromium is available for Remotion. Order of choice (same as the runner's):
#   1. $RECAP_BROWSER_EXECUTABLE if set
#   2. a system Chromium / Chrome
#   3. on Debian/Ubuntu as root: install the `chromium` package (+ emoji and CJK fonts)
#   4. otherwise Remotion's own ensureBrowser() download at render time (needs internet)
set -euo pipefail

have_fonts() { fc-list 2>/dev/null | grep -qi "Noto Color Emoji" && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }

if [[ -n "${RECAP_BROWSER_EXECUTABLE:-}" ]]; then
  [[ -x "$RECAP_BROWSER_EXECUTABLE" ]] || { echo "RECAP_BROWSER_EXECUTABLE=$RECAP_BROWSER_EXECUTABLE is not executable" >&2; exit 1; }
  echo "browser: $RECAP_BROWSER_EXECUTABLE (RECAP_BROWSER_EXECUTABLE)"; exit 0
fi

packages=()
for candidate in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [[ -x "$candidate" ]]; then found="$candidate"; break; fi
done
[[ -n "${found:-}" ]] || packages+=(chromium)
command -v ffprobe >/dev/null || packages+=(ffmpeg)
have_fonts || packages+=(fonts-noto-color-emoji fonts-noto-cjk fontconfig)

if (( ${#packages[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing: ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null; }
  else
    echo "note: could not install ${packages[*]} (not root or no apt-get); Remotion will try to download its own browser" >&2
  fi
fi
for candidate in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [[ -x "$candidate" ]]; then echo "browser: $candidate"; exit 0; fi
done
echo "browser: none found; Remotion's ensureBrowser() will download Chrome Headless Shell at render time"
