# One image for every kite process; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /kite
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY proto proto
COPY packages packages
COPY services services
COPY bench bench
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENV NODE_ENV=production
