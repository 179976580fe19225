# syntax=docker/dockerfile:1
# One image build for every process of the monorepo. Each process is a target:
#
#   docker build --target appointment      -t mbs/appointment .
#   docker build --target fhir-builder     -t mbs/fhir-builder .
#   docker build --target relay-dispatcher -t mbs/relay-dispatcher .
#   docker build --target web              -t mbs/web .
#   docker build --target relay-emulator   -t mbs/relay-emulator .     (dev and CI only)
#   docker build --target hospital-sink    -t mbs/hospital-sink .      (dev tool)
#   docker build --target gateway          -t mbs/gateway .            (runs in the hospital)
#
# The targets share every layer but the last, so building all seven costs one build.
# deploy/src/dockerfile.test.ts checks that each target starts an entry point that exists.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything (dev dependencies too), compile every workspace with turbo.
FROM ${NODE_IMAGE} AS build
# better-sqlite3 (gateway) falls back to compiling its native addon when no prebuilt binary
# can be downloaded; these are what node-gyp needs for that.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx turbo run build --output-logs=errors-only

# ---- production dependencies only: a fresh install without dev dependencies (jest, swc, eslint,
# turbo, typescript, testing helpers stay out of the runtime image).
FROM build AS production-dependencies
RUN --mount=type=cache,target=/root/.npm npm prune --omit=dev --no-audit --no-fund

# ---- runtime: what every process needs; no compilers, no sources, no tests.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/package.json /app/package-lock.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
# Workspace packages are symlinked from node_modules/@mbs; each needs its package.json (exports
# point at dist/), its compiled dist/ and its own pruned node_modules, if any. Whole folders, so
# what a process reads beside dist/ at run time comes too: web's eta templates
# (services/web/views) and static files (services/web/public), resolved from dist/ as ../views
# and ../public. The design system web serves (node_modules/nhsuk-frontend, its dist/nhsuk CSS,
# JavaScript and assets) is one of web's production dependencies, so it is in node_modules above.
COPY --from=production-dependencies /app/libs ./libs
COPY --from=production-dependencies /app/services ./services
COPY --from=production-dependencies /app/gateway ./gateway
# A tiny probe for HEALTHCHECK and compose: GET an http:// URL (200 = healthy) or connect to a
# tcp:// address. Node's own fetch and net, since the slim image has no curl or wget.
COPY <<'EOF' /usr/local/lib/mbs/healthcheck.mjs
import net from 'node:net';
const target = new URL(process.argv[2]);
const fail = () => process.exit(1);
setTimeout(fail, 4000).unref();
if (target.protocol === 'tcp:') {
  net.connect(Number(target.port), target.hostname).once('connect', () => process.exit(0)).once('error', fail);
} else {
  fetch(target).then((response) => process.exit(response.status === 200 ? 0 : 1), fail);
}
EOF
# The gateway's data directory, owned by the runtime user, so a fresh named volume mounted here
# inherits that ownership.
RUN mkdir -p /var/lib/mbs-gateway && chown 1000:1000 /var/lib/mbs-gateway
# The image's `node` user, given by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
STOPSIGNAL SIGTERM

FROM runtime AS appointment
ENV PORT=3002 OTEL_SERVICE_NAME=appointment
EXPOSE 3002
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/mbs/healthcheck.mjs "http://127.0.0.1:${PORT}/health"
CMD ["node", "services/appointment/dist/main.js"]

FROM runtime AS fhir-builder
ENV PORT=3003 OTEL_SERVICE_NAME=fhir-builder
EXPOSE 3003
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node /usr/local/lib/mbs/healthcheck.mjs "http://127.0.0.1:${PORT}/health"
CMD ["node", "services/fhir-builder/dist/main.js"]

FROM runtime AS relay-dispatcher
ENV PORT=3004 OTEL_SERVICE_NAME=relay-dispatcher
EXPOSE 3004
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/mbs/healthcheck.mjs "http://127.0.0.1:${PORT}/health"
CMD ["node", "services/relay-dispatcher/dist/main.js"]

# The staff web application. Behind a TLS-terminating ingress in production (WEB_PUBLIC_URL https,
# WEB_TRUSTED_PROXY_HOPS=1); the image itself serves plain HTTP.
FROM runtime AS web
ENV PORT=3000 OTEL_SERVICE_NAME=web
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/mbs/healthcheck.mjs "http://127.0.0.1:${PORT}/health"
CMD ["node", "services/web/dist/main.js"]

# The emulator has no /health: a TCP connect to its WebSocket port is its probe.
FROM runtime AS relay-emulator
ENV RELAY_EMULATOR_PORT=9090 OTEL_SERVICE_NAME=relay-emulator
EXPOSE 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=15s --retries=3 \
  CMD node /usr/local/lib/mbs/healthcheck.mjs "tcp://127.0.0.1:${RELAY_EMULATOR_PORT}"
CMD ["node", "services/relay-emulator/dist/src/main.js"]

FROM runtime AS hospital-sink
ENV PORT=3006 OTEL_SERVICE_NAME=hospital-sink
EXPOSE 3006
HEALTHCHECK --interval=15s --timeout=5s --start-period=15s --retries=3 \
  CMD node /usr/local/lib/mbs/healthcheck.mjs "http://127.0.0.1:${PORT}/health"
CMD ["node", "services/hospital-sink/dist/main.js"]

# /health answers 200 only while the relay listener is online (and SQLite answers).
FROM runtime AS gateway
ENV PORT=3005 OTEL_SERVICE_NAME=gateway GATEWAY_DATA_DIR=/var/lib/mbs-gateway
VOLUME /var/lib/mbs-gateway
EXPOSE 3005
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node /usr/local/lib/mbs/healthcheck.mjs "http://127.0.0.1:${PORT}/health"
CMD ["node", "gateway/dist/main.js"]
