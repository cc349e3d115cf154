#!/usr/bin/env bash
# Make sure a headless Chromium is available for Remotion (and the ffmpeg, fonts and GStreamer
# decoders the renders and tests use). Order of choice (same as the runner's
# and the render worker's):
#   1. $RECAP_BROWSER_EXECUTABLE if set
#   2. the first executable path of scripts/browser-candidates.txt (the one list)
#   3. on Debian/Ubuntu as root: install the `chromium` package (+ emoji and CJK fonts)
#   4. otherwise Remotion's own ensureBrowser() download at render time (needs internet)
set -euo pipefail

# GStreamer's H.264 decoders (Cisco's openh264dec, libav's avdec_h264): the tests check ffmpeg's frames
# against an independent decoder (tests/test_clean_stream.py).
have_gst_decoder() { command -v gst-inspect-1.0 >/dev/null && { gst-inspect-1.0 openh264dec >/dev/null 2>&1 || gst-inspect-1.0 avdec_h264 >/dev/null 2>&1; }; }
have_fonts() { fc-list 2>/dev/null | grep -qi "Noto Color Emoji" && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }

if [[ -n "${RECAP_BROWSER_EXECUTABLE:-}" ]]; then
  [[ -x "$RECAP_BROWSER_EXECUTABLE" ]] || { echo "RECAP_BROWSER_EXECUTABLE=$RECAP_BROWSER_EXECUTABLE is not executable" >&2; exit 1; }
  echo "browser: $RECAP_BROWSER_EXECUTABLE (RECAP_BROWSER_EXECUTABLE)"; exit 0
fi

# The candidates: one path per line; blank lines and `#` comment lines skipped.
mapfile -t candidates < <(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^#/d' -e '/^$/d' "$(dirname "$0")/browser-candidates.txt")
first_browser() {
  local candidate
  for candidate in "${candidates[@]}"; do
    if [[ -x "$candidate" ]]; then echo "$candidate"; return 0; fi
  done
  return 1
}

packages=()
first_browser >/dev/null || packages+=(chromium)
command -v ffprobe >/dev/null || packages+=(ffmpeg)
have_fonts || packages+=(fonts-noto-color-emoji fonts-noto-cjk fontconfig)
have_gst_decoder || packages+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav)

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
if found=$(first_browser); then echo "browser: $found"; exit 0; fi
echo "browser: none found; Remotion's ensureBrowser() will download Chrome Headless Shell at render time"
