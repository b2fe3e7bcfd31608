# One image for the five services and the Twilio emulator; docker-compose.yml picks the command per service:
#   node dist/apps/<gateway|numbers|messaging|routing|notification>/src/main.js
#   node dist/tools/twilio-emulator/src/main.js

# deps: every dependency (dev included), cached as long as the lockfile does not change.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# build: compile TypeScript (tsc + tsc-alias) into dist/.
FROM deps AS build
COPY . .
RUN npm run build

# runtime: production dependencies and the compiled code only, run as the unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts needed at runtime (the only one is a telemetry ping).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# ./var is where the services write local files (e.g. mail as .eml when SMTP_URL is unset).
RUN mkdir -p /app/var && chown node:node /app/var
USER node
EXPOSE 3000 4010
CMD ["node", "dist/apps/gateway/src/main.js"]
