#!/usr/bin/env bash
# Builds the two Meshless images from this repository:
#   <registry>/meshless-injector:<tag>   images/injector/Dockerfile (eclipse-temurin:17-jre, uid 65532)
#   <registry>/meshless-agent:<tag>      images/agent/Dockerfile    (busybox + /meshless-agent.jar)
#
# Usage: images/build.sh [--registry R] [--tag T] [--push] [--skip-maven] [--examples]
#   defaults: registry ghcr.io/meshless, tag = project version from pom.xml (0.1.0-SNAPSHOT -> 0.1.0)
#   --examples also builds <registry>/meshless-examples:<tag> (images/examples/Dockerfile)
# Needs: a JDK 17 (for ./mvnw) and a Docker-compatible engine (docker, or DOCKER=podman).
#
# CI has no container engine: CI builds and tests the jars (./mvnw -B verify); this script is
# run by hand or by examples/kind/run.sh, never in CI.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docker="${DOCKER:-docker}"
registry="ghcr.io/meshless"
tag=""
push=false
maven=true
examples=false

while [ $# -gt 0 ]; do
  case "$1" in
    --registry) registry="${2:?--registry needs a value}"; shift 2 ;;
    --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
    --push) push=true; shift ;;
    --skip-maven) maven=false; shift ;;
    --examples) examples=true; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -n 1)"
if [ -z "$tag" ]; then
  tag="${version%-SNAPSHOT}"
fi

if ! command -v "$docker" >/dev/null 2>&1; then
  echo "build.sh: '$docker' not found; install Docker (or set DOCKER=podman)" >&2
  exit 1
fi

cd "$root"
if $maven; then
  modules="pki,agent,injector"
  if $examples; then modules="$modules,examples"; fi
  ./mvnw -B -q -pl "$modules" -am package -DskipTests
fi
jars="agent/target/meshless-agent.jar injector/target/meshless-injector.jar"
if $examples; then jars="$jars examples/target/meshless-examples-$version.jar"; fi
for jar in $jars; do
  if [ ! -s "$jar" ]; then
    echo "build.sh: $jar is missing: run ./mvnw -B -pl pki,agent,injector -am package -DskipTests" >&2
    exit 1
  fi
done

injector="$registry/meshless-injector:$tag"
agent="$registry/meshless-agent:$tag"
"$docker" build -f images/injector/Dockerfile -t "$injector" .
"$docker" build -f images/agent/Dockerfile -t "$agent" .
echo "built $injector"
echo "built $agent"
if $examples; then
  "$docker" build -f images/examples/Dockerfile -t "$registry/meshless-examples:$tag" .
  echo "built $registry/meshless-examples:$tag"
fi

if $push; then
  "$docker" push "$injector"
  "$docker" push "$agent"
  if $examples; then "$docker" push "$registry/meshless-examples:$tag"; fi
fi
