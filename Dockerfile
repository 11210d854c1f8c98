# One image for the five services and the operator CLI (see docker-compose.yml).
# Like `npm start`, it runs the TypeScript sources directly: tools/runtime/register.js compiles
# each file with SWC as Node loads it, so there is no build step.
FROM node:20-bookworm-slim

WORKDIR /app
RUN chown node:node /app
USER node

# Full install, dev dependencies included: the runtime needs @swc/core (a devDependency)
# to compile the sources at load time. Same flags as ensure_node_modules in tools/scripts/lib.sh.
# NODE_ENV is deliberately left unset (as locally): NODE_ENV=production would make npm ci
# skip the dev dependencies.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error && npm cache clean --force

COPY --chown=node:node tsconfig.base.json .swcrc ./
COPY --chown=node:node tools/runtime tools/runtime
COPY --chown=node:node libs libs
COPY --chown=node:node apps apps

# application 3001, scoring 3002, disbursement 3003, repayment 3004, ledger 3005.
EXPOSE 3001 3002 3003 3004 3005

# docker-compose.yml sets the command of each container, e.g.
#   node -r ./tools/runtime/register.js apps/ledger/src/main.ts
# Without one, the image runs the operator CLI (prints its usage).
CMD ["node", "-r", "./tools/runtime/register.js", "apps/cli/src/main.ts"]
