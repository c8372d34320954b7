# One image for the gateway and every subgraph; docker-compose.yml picks the entry point.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci
# After npm ci (which would skip devDependencies, tsx among them, under production): graphql-js drops its development-only checks.
ENV NODE_ENV=production
ENV HOST=0.0.0.0
