#!/usr/bin/env bash
# Make sure the base image `debian:bookworm-slim` exists in local container storage.
# On a normal machine it is pulled from the registry as usual. Where no container registry can be
# reached (only Debian's package mirrors), it is made from Debian's packages instead:
#   debootstrap --variant=minbase bookworm DIR, then `podman import` (or `buildah` if no podman).
# The result is a plain Debian 12 root file system (~200 MB): the same packages as the official
# slim image minus its docs/locale trimming.
# Usage: scripts/make-base-image.sh [podman|buildah|docker]   (default: the first usable one)
set -euo pipefail

IMAGE=debian:bookworm-slim
tool=${1:-}
if [[ -z "$tool" ]]; then
  for t in docker podman buildah; do
    if [[ $t == docker ]]; then docker info >/dev/null 2>&1 && { tool=docker; break; }; continue; fi
    command -v $t >/dev/null && { tool=$t; break; }
  done
fi
[[ -n "$tool" ]] || { echo "error: no docker, podman or buildah (run scripts/install-container-tools.sh)" >&2; exit 1; }

have_image() {
  case $tool in
    docker) docker image inspect "$IMAGE" >/dev/null 2>&1 ;;
    # podman and buildah share containers/storage
    *) buildah inspect --type image "$IMAGE" >/dev/null 2>&1 || podman image exists "$IMAGE" 2>/dev/null ;;
  esac
}

have_image && { echo "base image: $IMAGE is present"; exit 0; }

echo "base image: pulling $IMAGE"
if timeout 120 "$tool" pull "docker.io/library/$IMAGE" >/dev/null 2>&1; then exit 0; fi

echo "base image: no registry reachable; making $IMAGE from Debian packages (debootstrap: 30 s to minutes)"
start=$SECONDS
command -v debootstrap >/dev/null || { echo "error: debootstrap is missing (scripts/install-container-tools.sh)" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "error: debootstrap needs root" >&2; exit 1; }
root=$(mktemp -d /var/tmp/bookworm-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" "${DEBIAN_MIRROR:-}" >"$root.log" 2>&1 \
  || { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# like the official image: the point release, its updates and the security archive (debootstrap
# writes only the first), and no apt lists or caches in the layer
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: ${DEBIAN_MIRROR:-http://deb.debian.org/debian}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
case $tool in
  docker) tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - "$IMAGE" >/dev/null ;;
  podman) tar -C "$root" -c . | podman import --quiet --change 'CMD ["bash"]' - "$IMAGE" >/dev/null ;;
  buildah)
    ctr=$(buildah from scratch)
    mnt=$(buildah mount "$ctr")
    tar -C "$root" -c . | tar -C "$mnt" -x
    buildah umount "$ctr" >/dev/null
    buildah config --cmd bash "$ctr"
    buildah commit --quiet --rm "$ctr" "$IMAGE" >/dev/null ;;
esac
echo "base image: $IMAGE made locally in $((SECONDS - start)) s"
