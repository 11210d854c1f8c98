# One image for the five services and the operator CLI (see docker-compose.yml), built in two
# stages: the build stage compiles the TypeScript with SWC (tools/build/build.js, the Nx `build`
# target) into dist/; the runtime stage holds only the production dependencies and dist/, and
# runs each program with plain node (no TypeScript loader, no dev dependencies).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Same flags as ensure_node_modules in tools/scripts/lib.sh; the build needs @swc/core (dev).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.base.json .swcrc ./
COPY tools/build tools/build
COPY libs libs
COPY apps apps
# Every service, the CLI and the runtime libraries (libs/testing is test-only).
RUN for project in libs/* apps/*; do \
      [ "$project" = libs/testing ] || node tools/build/build.js "$project" || exit 1; \
    done

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
RUN chown node:node /app
USER node
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force
COPY --from=build --chown=node:node /app/dist dist

# application 3001, scoring 3002, disbursement 3003, repayment 3004, ledger 3005, portfolio 3006.
EXPOSE 3001 3002 3003 3004 3005 3006

# docker-compose.yml sets the command of each container, e.g.
#   node --enable-source-maps dist/apps/ledger/src/main.js
# Without one, the image runs the operator CLI (prints its usage).
CMD ["node", "--enable-source-maps", "dist/apps/cli/src/main.js"]
