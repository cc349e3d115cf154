#!/usr/bin/env bash
# Install a container builder when none is usable: buildah (builds and runs images with
# `--isolation chroot`, no daemon), podman (for `podman import` of a locally made base image) and
# debootstrap (makes that base image from Debian's packages when no registry can be reached).
# A machine with a working docker or podman needs none of this; `make image` calls it only when
# neither is usable. Needs root and apt-get (Debian/Ubuntu).
set -euo pipefail

missing=()
command -v buildah >/dev/null || missing+=(buildah)
command -v podman >/dev/null || missing+=(podman)
command -v debootstrap >/dev/null || missing+=(debootstrap)
(( ${#missing[@]} )) || { echo "container tools: buildah, podman and debootstrap are installed"; exit 0; }

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "error: need ${missing[*]}; install them (e.g. sudo apt-get install ${missing[*]}) or install docker/podman" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
