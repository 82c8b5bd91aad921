# intake in a container (docs/deployment.md). The system packages come from
# .ci/apt-packages.txt, the same list the Makefile installs, so the two cannot drift apart;
# deploy/deploy_test.go checks that (no Docker engine needed).
#
#   docker build -t intake .
#   docker run -d --name intake --hostname intake-1 --init --stop-timeout 45 \
#     -v intake-data:/var/lib/intake -v /srv/intake/mail:/srv/intake/mail \
#     -v /srv/intake/fax:/srv/intake/fax -v /etc/intake/intake.toml:/etc/intake/intake.toml:ro \
#     intake

# Both stages are Debian 12 (bookworm): the binary links against the libtesseract and
# libleptonica of the build stage, and the runtime stage must have the same versions.
FROM golang:1.26-bookworm AS build
# ARG, not ENV: apt-get's frontend setting is for the build only.
ARG DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY .ci/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update -qq \
 && grep -v '^\s*\(#\|$\)' /tmp/apt-packages.txt | xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# -buildvcs=false: the build context may have no .git (the Makefile builds the same way).
RUN go build -trimpath -buildvcs=false -o /out/intake ./cmd/intake

FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
# The runtime needs the same list minus what only compiling needs (headers, gcc,
# pkg-config); Tesseract's English, Spanish and orientation data stay.
COPY .ci/apt-packages.txt /tmp/apt-packages.txt
RUN apt-get update -qq \
 && grep -v '^\s*\(#\|$\)' /tmp/apt-packages.txt | grep -v -e '-dev$' -e '^gcc$' -e '^pkg-config$' \
    | xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/apt-packages.txt \
 && groupadd --system --gid 10001 intake \
 && useradd --system --uid 10001 --gid intake --home-dir /var/lib/intake --shell /usr/sbin/nologin intake \
 && install -d -o intake -g intake -m 0750 /var/lib/intake /srv/intake/mail /srv/intake/fax \
 && install -d -m 0755 /etc/intake
COPY --from=build /out/intake /usr/local/bin/intake
# The example configuration: inboxes /srv/intake/mail and /srv/intake/fax, data
# /var/lib/intake, http on 127.0.0.1:8080 (what the healthcheck asks; "0.0.0.0:8080" to let
# a private Prometheus scrape it). Mount your own over it.
COPY intake.example.toml /etc/intake/intake.toml
# Tesseract with OpenMP threads is several times slower on few cores; intake would
# otherwise restart itself to set this.
ENV OMP_THREAD_LIMIT=1
# A numeric user, so that a runtime can tell it is not root without reading /etc/passwd
# (Kubernetes' runAsNonRoot).
USER 10001:10001
WORKDIR /var/lib/intake
# The data folder (store, archive, letters, quarantine) and the inboxes the scanning
# stations and the fax server write into. Each inbox keeps its claimed files in
# .spool/INSTANCE inside it, so the instance name must stay the same across containers:
# give --hostname or INTAKE_INSTANCE.
VOLUME ["/var/lib/intake", "/srv/intake/mail", "/srv/intake/fax"]
# No EXPOSE: /healthz, /readyz and /metrics (port 8080, set in the configuration) are for
# the healthcheck and a private Prometheus; publish the port only on a private address.
# The image has no curl: intake asks itself.
HEALTHCHECK --interval=30s --timeout=10s --start-period=1m --retries=3 \
  CMD ["intake", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["intake"]
CMD ["run", "--config", "/etc/intake/intake.toml"]
