# One image for every kite process; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
# What the kubelet's process runtime runs: iproute2 for pod networks, util-linux for setpriv,
# nsenter and unshare, and the programs behind its image catalog (busybox, nginx, redis).
RUN apt-get update \
  && apt-get install -y --no-install-recommends busybox iproute2 nginx-light redis-server util-linux \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /kite
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY proto proto
COPY packages packages
COPY services services
COPY bench bench
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENV NODE_ENV=production
