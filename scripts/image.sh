#!/usr/bin/env bash
# Build the container image and run the demo inside it; called by `make image` / `make image-smoke`.
#   scripts/image.sh build                  build IMAGE (default dream-recap:latest) from Containerfile
#   scripts/image.sh smoke OUT              build if needed, then inside the image: dbt build (DuckDB
#                                           demo) + render-runner go + ffprobe checks (full length,
#                                           1080x1920); MP4s, posters, manifest.jsonl -> OUT
# The tool is the first usable of: docker (its daemon answers), buildah, podman; CONTAINER_TOOL
# overrides. buildah builds and runs with `--isolation chroot`, which needs no daemon and works
# inside containers and VMs where `podman run` cannot set up cgroups. With none of them, on
# Debian/Ubuntu as root, scripts/install-container-tools.sh installs buildah.
# EXTRA_CA (default: the system CA bundle) is handed to the build as the secret `extra-ca` so pip
# and npm trust a TLS-inspecting proxy while installing; it is not copied into the image.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-dream-recap:latest}
CONCURRENCY=${CONCURRENCY:-2}
if [[ -z "${EXTRA_CA+set}" ]]; then
  for ca in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
    [[ -s $ca ]] && { EXTRA_CA=$ca; break; }
  done
fi
EXTRA_CA=${EXTRA_CA:-}

pick_tool() {
  if [[ -n "${CONTAINER_TOOL:-}" ]]; then echo "$CONTAINER_TOOL"; return; fi
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then echo docker; return; fi
  if command -v buildah >/dev/null; then echo buildah; return; fi
  if command -v podman >/dev/null; then echo podman; return; fi
  bash scripts/install-container-tools.sh >&2 && echo buildah
}
TOOL=$(pick_tool)

build() {
  bash scripts/make-base-image.sh "$TOOL"
  local args=(-f Containerfile -t "$IMAGE")
  [[ -n "$EXTRA_CA" ]] && args+=(--secret "id=extra-ca,src=$EXTRA_CA")
  echo "image: building $IMAGE with $TOOL"
  local start=$SECONDS
  case $TOOL in
    docker) DOCKER_BUILDKIT=1 docker build "${args[@]}" . ;;
    podman) podman build --layers "${args[@]}" . ;;
    buildah) buildah bud --isolation chroot --layers "${args[@]}" . ;;
    *) echo "error: unknown CONTAINER_TOOL $TOOL (docker, podman or buildah)" >&2; exit 1 ;;
  esac
  echo "image: $IMAGE built in $((SECONDS - start)) s"
}

# What runs inside the image for the smoke test: the demo warehouse, every video, the manifest,
# then the check of every file with the image's own ffprobe (scripts/check-videos.py).
SMOKE_SCRIPT='set -e
bundles=$(ls /app/.render-cache | grep -v "^work$" || true)
start=$(date +%s)
dbt build --project-dir /app --quiet --no-use-colors
built=$(date +%s)
echo "image-smoke: dbt build took $((built - start)) s"
render-runner go --concurrency "$SMOKE_CONCURRENCY"
echo "image-smoke: render-runner go took $(($(date +%s) - built)) s"
test "$(ls /app/.render-cache | grep -v "^work$" || true)" = "$bundles" \
  || { echo "image-smoke: the runner bundled again instead of using the image bundle" >&2; exit 1; }
render-runner export --format jsonl --to /data/out/manifest.jsonl
python /app/scripts/check-videos.py /data/out'

smoke() {
  local out=$1
  [[ -n "$out" ]] || { echo "usage: scripts/image.sh smoke OUT" >&2; exit 2; }
  build
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  # The object key secret of this smoke run only (a fleet shares one through RECAP_KEY_SECRET).
  local secret
  secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  local env=(-e "RECAP_KEY_SECRET=$secret" -e "SMOKE_CONCURRENCY=$CONCURRENCY")
  local start=$SECONDS
  echo "image-smoke: dbt build + render-runner go --concurrency $CONCURRENCY inside $IMAGE ($TOOL)"
  case $TOOL in
    docker|podman)
      local name="dream-recap-smoke-$$"
      "$TOOL" run --name "$name" "${env[@]}" --entrypoint /bin/sh "$IMAGE" -c "$SMOKE_SCRIPT" \
        || { "$TOOL" rm -f "$name" >/dev/null; exit 1; }
      "$TOOL" cp "$name:/data/out/." "$out/"
      "$TOOL" rm "$name" >/dev/null ;;
    buildah)
      SMOKE_CTR=$(buildah from --pull-never "$IMAGE")
      trap 'buildah rm "$SMOKE_CTR" >/dev/null 2>&1 || true' EXIT
      buildah run --isolation chroot "${env[@]/#-e/--env}" "$SMOKE_CTR" -- /bin/sh -c "$SMOKE_SCRIPT"
      local mnt
      mnt=$(buildah mount "$SMOKE_CTR")
      cp -r "$mnt/data/out/." "$out/"
      buildah umount "$SMOKE_CTR" >/dev/null ;;
  esac
  echo "image-smoke: done in $((SECONDS - start)) s; videos, posters and manifest.jsonl are in $out"
}

case ${1:-} in
  build) build ;;
  smoke) smoke "${2:-}" ;;
  *) echo "usage: scripts/image.sh build | smoke OUT" >&2; exit 2 ;;
esac
