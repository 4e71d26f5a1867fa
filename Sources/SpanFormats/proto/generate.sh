#!/usr/bin/env bash
# Regenerates Sources/SpanFormats/Generated/*.pb.swift from the .proto files beside this script.
# The generated code is committed: a SwiftProtobuf build plugin would add minutes to every clean
# build. Run this only when a .proto file or the swift-protobuf version in Package.swift changes.
#
#   bash Sources/SpanFormats/proto/generate.sh
#
# Needs python3 (protoc comes from PyPI's grpcio-tools, in a throw-away venv) and builds
# protoc-gen-swift from the swift-protobuf checkout SwiftPM resolved for this package, so the
# generator matches the runtime library. PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift skips that build.
#
# Sources (copied verbatim, license headers kept):
#   zipkin/zipkin.proto           openzipkin/zipkin-api, proto3/zipkin.proto (commit 069ec8d)
#   opentelemetry/proto/...       open-telemetry/opentelemetry-proto v1.11.0: trace/v1, common/v1,
#                                 resource/v1, collector/trace/v1 (only the trace messages)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$root/Sources/SpanFormats/Generated"
work="${TMPDIR:-/tmp}/tracelab-protogen"
mkdir -p "$work"

if [ -z "${PROTOC_GEN_SWIFT:-}" ]; then
  scratch="$work/scratch"
  (cd "$root" && swift package --scratch-path "$scratch" resolve >/dev/null)
  checkout="$scratch/checkouts/swift-protobuf"
  swift build -c release --product protoc-gen-swift --package-path "$checkout" --scratch-path "$work/protoc-gen-swift-build"
  PROTOC_GEN_SWIFT="$work/protoc-gen-swift-build/release/protoc-gen-swift"
fi

if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q grpcio-tools
fi

rm -f "$out"/*.pb.swift
mkdir -p "$out"
cd "$here"
"$work/venv/bin/python" -m grpc_tools.protoc \
  --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
  --swift_out="$out" \
  --swift_opt=Visibility=Internal \
  --swift_opt=FileNaming=PathToUnderscores \
  -I . \
  zipkin/zipkin.proto \
  opentelemetry/proto/common/v1/common.proto \
  opentelemetry/proto/resource/v1/resource.proto \
  opentelemetry/proto/trace/v1/trace.proto \
  opentelemetry/proto/collector/trace/v1/trace_service.proto
ls "$out"
