# One image for every Skico process; docker-compose.yml picks the process with working_dir and command.
# The image runs compiled JavaScript (services/<name>/dist/*.js, built by `pnpm run build`) with production
# dependencies only: no TypeScript, no tsx, no dev tools. tools/stack/test/built-output.e2e.test.ts runs the
# install and build commands of the build and prod stages below and starts every process from the result.

# pnpm at the version of package.json's packageManager field.
FROM node:20.20.2-bookworm-slim AS base
RUN npm install --global --no-fund --no-audit pnpm@10.34.8
WORKDIR /app

# Downloads every package of the lockfile into the store. This layer depends on the lockfile only, so a
# source change reinstalls offline from it.
FROM base AS fetch
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch --store-dir /pnpm/store

# All dependencies, dev tools included: `docker build --target dev` for lint, typecheck and tests.
FROM fetch AS dev
COPY . .
RUN pnpm install --frozen-lockfile --offline --store-dir /pnpm/store
CMD ["pnpm", "run", "typecheck"]

# Compiles every process and one-shot command into one JavaScript file each, into /deploy: the bundles, the
# package manifests of what they need and the files they read at run time (migrations), no sources.
FROM dev AS build
RUN pnpm run build --out /deploy

# Production dependencies of the shipped packages only. The fetch left a node_modules with dev dependencies:
# pnpm must be allowed to replace it without asking, as there is no TTY in a build.
FROM fetch AS prod
COPY --from=build /deploy ./
RUN pnpm install --frozen-lockfile --offline --prod --config.confirm-modules-purge=false --store-dir /pnpm/store

FROM node:20.20.2-bookworm-slim AS runtime
WORKDIR /app
# Owned by root and only readable by the process: it never writes into /app.
COPY --from=prod /app /app
# NODE_ENV is not set here: the compose file gives each process exactly the variables of the local start
# command, and NODE_ENV=production would refuse the development secrets it uses.
USER node
EXPOSE 8080 8081 8082 8083 8084
# node runs as PID 1 without tini on purpose: every process installs its own SIGTERM/SIGINT handlers (a
# graceful stop within SHUTDOWN_GRACE_MS, see @skico/http's lifecycle) and spawns no children, so there are
# no zombies to reap and no signal that the kernel would drop for want of a handler.
STOPSIGNAL SIGTERM
CMD ["node", "services/gateway/dist/main.js"]
