# facemark: the GraphQL landmark service on its embedded engine (models come from npm, nothing is
# downloaded at run time). Build: docker build -t facemark .   Run: docker run -p 4000:4000 facemark

# Stage 1: compile the TypeScript with the development dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# onnxruntime-node's install script only fetches GPU files; its CPU binaries ship in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.ts schema.graphql ./
COPY app ./app
COPY src ./src
COPY resolvers ./resolvers
# The demo page's typed documents and bundle (codegen also generates the examples' documents).
COPY web ./web
COPY examples ./examples
RUN npm run build

# Stage 2: production dependencies and the compiled service (and demo page) only, run as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
# Optional dependencies stay (sharp's native binaries are optional packages of sharp), except
# onnxruntime-node (288 MB), which only FACE_DETECTOR=yunet needs: kept with --build-arg WITH_YUNET=true.
ARG WITH_YUNET=false
RUN npm ci --omit=dev --no-audit --no-fund \
    && if [ "$WITH_YUNET" != "true" ]; then rm -rf node_modules/onnxruntime-node node_modules/onnxruntime-common; fi \
    && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# /health answers while the process lives (it needs no key unless OPS_REQUIRE_KEY=true).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/app/main.js"]
