# One image for the gateway, the schema registry and every subgraph; docker-compose.yml picks the entry point.

# Build: every dependency, then `npm run build` bundles each service into <package>/dist/ (Switchyard's
# workspace packages inside, third-party packages left to node_modules).
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm run build
# The runtime's node_modules, installed here where the compilers are: the runtime dependencies of the
# bundled workspaces only (no tooling, no tests, no scripts/), from the manifests and the lockfile; the
# root `prepare` (the console's vite build) is dropped there: console/dist comes from this stage.
WORKDIR /runtime
RUN cd /app && cp --parents package.json package-lock.json */package.json subgraphs/*/package.json /runtime \
  && cd /runtime && npm pkg delete scripts.prepare \
  && npm ci --omit=dev --no-audit --no-fund \
    --workspace gateway --workspace registry --workspace subgraphs/kit --workspace subgraphs/seed \
    --workspace subgraphs/customers --workspace subgraphs/catalog --workspace subgraphs/inventory \
    --workspace subgraphs/orders --workspace subgraphs/shipments --workspace subgraphs/finance

FROM node:20-bookworm-slim
WORKDIR /app
# graphql-js drops its development-only checks; the gateway and the subgraphs refuse the development identity
# secret (or none): SWITCHYARD_IDENTITY_SECRET must be given at run time (docker-compose.yml: .env).
ENV NODE_ENV=production
ENV HOST=0.0.0.0
COPY --from=build /runtime/node_modules node_modules
# What the bundles read at runtime: the supergraph config and the subgraph SDL files it names, the
# development governance file (for trying the image out) and the one docker-compose.yml runs (its
# secrets from the environment); mount a real one in production.
COPY supergraph.yaml ./
COPY subgraphs/customers/schema.graphql subgraphs/customers/
COPY subgraphs/catalog/schema.graphql subgraphs/catalog/
COPY subgraphs/inventory/schema.graphql subgraphs/inventory/
COPY subgraphs/orders/schema.graphql subgraphs/orders/
COPY subgraphs/shipments/schema.graphql subgraphs/shipments/
COPY subgraphs/finance/schema.graphql subgraphs/finance/
COPY gateway/governance.dev.yaml gateway/governance.compose.yaml gateway/
# The registry's consumers file docker-compose.yml runs (no secret in it; the development one is
# refused in production, so it is not shipped). The registry seeds from supergraph.yaml above.
COPY registry/registry.compose.yaml registry/
COPY --from=build /app/gateway/dist gateway/dist
# The web console's static files (built by npm ci's prepare); the gateway serves them at /console.
COPY --from=build /app/console/dist console/dist
COPY --from=build /app/registry/dist registry/dist
COPY --from=build /app/scripts/dist scripts/dist
COPY --from=build /app/subgraphs/customers/dist subgraphs/customers/dist
COPY --from=build /app/subgraphs/catalog/dist subgraphs/catalog/dist
COPY --from=build /app/subgraphs/inventory/dist subgraphs/inventory/dist
COPY --from=build /app/subgraphs/orders/dist subgraphs/orders/dist
COPY --from=build /app/subgraphs/shipments/dist subgraphs/shipments/dist
COPY --from=build /app/subgraphs/finance/dist subgraphs/finance/dist
CMD ["node", "gateway/dist/main.js", "--supergraph", "supergraph.yaml"]
