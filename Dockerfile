# intake in a container. The system packages come from .ci/apt-packages.txt, the same list
# the Makefile installs, so the two cannot drift apart.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY .ci/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update -qq \
 && grep -v '^\s*\(#\|$\)' /tmp/apt-packages.txt | xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /out/intake ./cmd/intake

FROM debian:bookworm-slim
COPY .ci/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update -qq \
 && grep -v '^\s*\(#\|$\)' /tmp/apt-packages.txt | grep -v -e '-dev$' -e '^gcc$' -e '^pkg-config$' \
    | xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/intake intake
COPY --from=build /out/intake /usr/local/bin/intake
ENV OMP_THREAD_LIMIT=1
USER intake
WORKDIR /var/lib/intake
VOLUME ["/var/lib/intake"]
ENTRYPOINT ["intake"]
