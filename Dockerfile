# One image for every Skico process; docker-compose.yml picks the process with working_dir and command.
# There is no build step: processes run their TypeScript with `node --import tsx`, so tsx is needed at run
# time and must be a production dependency.

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

# Production dependencies only. The fetch left a node_modules with dev dependencies: pnpm must be allowed to
# replace it without asking, as there is no TTY in a build.
FROM fetch AS prod
COPY . .
RUN pnpm install --frozen-lockfile --offline --prod --config.confirm-modules-purge=false --store-dir /pnpm/store

FROM node:20.20.2-bookworm-slim AS runtime
WORKDIR /app
# Owned by root and only readable by the process: it never writes into /app (tsx caches under /tmp).
COPY --from=prod /app /app
# NODE_ENV is not set here: the compose file gives each process exactly the variables of the local start
# command, and NODE_ENV=production would refuse the development secrets it uses.
USER node
EXPOSE 8080 8081 8082 8083 8084
# node runs as PID 1 without tini on purpose: every process installs its own SIGTERM/SIGINT handlers (a
# graceful stop within SHUTDOWN_GRACE_MS, see @skico/http's lifecycle) and spawns no children, so there are
# no zombies to reap and no signal that the kernel would drop for want of a handler.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "services/gateway/src/main.ts"]
