# facemark: the GraphQL landmark service on its embedded engine (models come from npm, nothing is
# downloaded at run time). Build: docker build -t facemark .   Run: docker run -p 4000:4000 facemark

# Stage 1: compile the TypeScript with the development dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# node-av's install script would download an ffmpeg program the service never runs (it uses the
# libraries in node-av's platform package); npm 11 skips it by package.json's allowScripts, npm 10 by this.
ENV SKIP_FFMPEG=true
# .npmrc: onnxruntime-node's install script would only fetch GPU files; its CPU binaries ship in the package.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.tools.json codegen.ts schema.graphql ./
COPY app ./app
COPY src ./src
COPY resolvers ./resolvers
# The build converts the engine's graphs to ONNX (tools/onnx-convert, into dist/models).
COPY tools ./tools
COPY bench ./bench
# The demo page's typed documents and bundle (codegen also generates the examples' documents).
COPY web ./web
COPY examples ./examples
RUN npm run build

# Stage 2: production dependencies and the compiled service (and demo page) only, run as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=4000 \
    SKIP_FFMPEG=true
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# onnxruntime-node ships every platform's binaries (288 MB): only this one's stay.
RUN npm ci --omit=dev --no-audit --no-fund \
    && arch="$(node -p process.arch)" \
    && for dir in node_modules/onnxruntime-node/bin/napi-v*/*/*; do case "$dir" in */linux/"$arch") ;; *) rm -rf "$dir" ;; esac; done \
    && npm cache clean --force
COPY --from=build /app/dist ./dist
# VIDEO_STORAGE_DIR's usual mount point, owned by the user the service runs as (a new volume takes it over).
RUN mkdir /clips && chown node:node /clips
USER node
EXPOSE 4000
# /health answers while the process lives (it needs no key unless OPS_REQUIRE_KEY=true).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/app/main.js"]
