#!/usr/bin/env bash
# Regenerates the Go code of the plugin protocol, then the Python modules of
# plugins/python. Needs protoc (Debian:
# protobuf-compiler) and the two Go generators at the pinned versions:
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
#   go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1
set -euo pipefail
cd "$(dirname "$0")"
PATH="$(go env GOPATH)/bin:$PATH"
protoc -I . \
  --go_out=. --go_opt=paths=source_relative \
  --go-grpc_out=. --go-grpc_opt=paths=source_relative \
  harness/v1/*.proto
# The Python SDK's message modules (plugins/python/harness_plugin/_pb).
../python/generate.sh
