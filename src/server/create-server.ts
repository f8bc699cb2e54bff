import type { GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createDetectionLoaders } from '../detection/detection-loaders';
import { DetectionRunner } from '../detection/detection-runner';
import type { PhotoTraffic } from '../detection/photo-traffic';
import { createMxfaceRouter } from '../mxface-compat/mxface-router';
import type { GraphQLContext } from '../graphql/context';
import { formatError } from '../graphql/format-error';
import type { Providers } from '../providers/providers';
import { registry } from '../observability/metrics';
import { VideoJobs } from '../video/video-jobs';
import { DecoderProcess } from '../video/decoder-process';
import { QueuedVideoJobs } from '../video/queued-video-jobs';
import type { FrameCharge, VideoJobService } from '../video/video-job';
import { ProviderName, type Config } from '../config';
import { identifyClient, opsAccess, rateLimitGate, refuseAsGraphQL, refuseUnsafeUploads } from './access';
import { presentedKey } from '../access/api-keys';
import { createRequestServices } from './request-services';
import { requestLog } from './request-log';
import { demoPage } from './demo-page';
import { videoDownloads } from './video-downloads';
import { serveSubscriptions } from './subscriptions';
import { graphqlUploadExpress } from 'graphql-upload-minimal';
import { recordOf, RequestRecord } from './request-record';
import { clientGone } from './client-gone';
import { warmUpOverLoopback } from './self-warm-up';
import { warmUpPhotos } from '../image/warm-up-photos';
import { ImageRateLimiter } from '../access/image-rate-limiter';
import { NO_CACHE } from '../cache/result-cache';
import { describeError, log } from '../logger';

export interface FacemarkServer {
  /** The bound address, e.g. http://127.0.0.1:4000 */
  url: string;
  httpServer: http.Server;
  /**
   * Once the providers have started: WARM_UP_REQUESTS detections sent to the server's own GraphQL
   * stack over a private loopback port (self-warm-up.ts). Never fails: a failed answer ends it early, logged.
   */
  warmUp(): Promise<void>;
  /** Stops accepting connections and lets in-flight requests and video jobs finish; the providers are their creator's to close. */
  stop(): Promise<void>;
}

/**
 * Builds and starts the HTTP server: GraphQL at /graphql, the MXFace-compatible endpoint, /health,
 * /ready, /metrics and the demo page at /.
 */
export async function startServer(config: Config, providers: Providers, schema: GraphQLSchema): Promise<FacemarkServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.access.trustProxy);
  const httpServer = http.createServer(app);
  const services = createRequestServices(config);
  const { keys, limiter, imageReading } = services;
  const detectionLimits = { maxPixels: config.limits.maxImagePixels, maxSide: config.detectionMaxSide };
  const detector = new DetectionRunner(providers, detectionLimits, services.cache);
  // The warm-up's requests skip the result cache, so that they reach the engine on every replica and
  // leave nothing in a shared cache.
  const warmUpDetector = new DetectionRunner(providers, detectionLimits, NO_CACHE);
  const keyOf = (req: express.Request) => presentedKey((name) => req.get(name));
  const chargeFrames = (owner: string, frames: number) => void limiter.charge(owner, frames);
  const decoder = new DecoderProcess(config.video.decoder);
  let decoderVersion: Promise<string | undefined> | undefined;
  const videos = {
    jobs: videoJobs(config, providers, decoder, chargeFrames, detector.photos),
    reading: services.videoReading,
    decoderVersion: () =>
      (decoderVersion ??= decoder.version().catch((error: unknown) => {
        log.warn('the video decoder did not start', { error: describeError(error) });
        return undefined;
      })),
  };

  const contextFor = (record: RequestRecord): GraphQLContext => ({
    config,
    providers,
    record,
    imageReading,
    videos,
    loaders: createDetectionLoaders(record.client === WARM_UP_CLIENT ? warmUpDetector : detector, record.clientGone),
  });
  const subscriptions = serveSubscriptions(
    httpServer,
    schema,
    { keys, limiter, trustProxy: app.get('trust proxy fn') as (address: string, hop: number) => boolean },
    contextFor,
  );

  const armor = new ApolloArmor({
    maxDepth: { n: config.graphql.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: config.graphql.maxAliases },
    costLimit: { maxCost: config.graphql.maxCost, ignoreIntrospection: true },
    // Token limit via graphql-js's own parser option instead: armor's runs in a hook that turns every syntax error into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: !isDevelopment(config) },
  }).protect();

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    parseOptions: { maxTokens: config.graphql.maxTokens },
    csrfPrevention: true,
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: isDevelopment(config),
    allowBatchedHttpRequests: false,
    // main.ts owns the signals: it drains HTTP, then closes the worker pool, then exits 0.
    stopOnTerminationSignals: false,
    formatError,
    validationRules: armor.validationRules,
    plugins: [
      recordOperationName,
      ApolloServerPluginCacheControlDisabled(),
      neverStored,
      ...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: () => subscriptions.dispose() }) },
      config.env === 'production' ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();

  app.use(requestLog());
  const ops = opsAccess(keys, config.access.opsRequireKey, keyOf);
  app.get('/health', ops, (_req, res) => {
    res.json({ status: 'ok' });
  });
  // A load balancer's probe: not ready while the models load, nor while the engine queue is full.
  app.get('/ready', ops, (_req, res) => {
    const status = !providers.isReady() ? 'starting' : providers.isBusy() ? 'busy' : 'ready';
    if (status === 'busy') res.set('Retry-After', '1');
    res.status(status === 'ready' ? 200 : 503).json({ status, providers: providers.names });
  });
  app.get('/metrics', ops, (_req, res, next) => {
    registry.metrics().then((text) => res.type(registry.contentType).send(text), next);
  });
  // Browsers (Apollo Sandbox, web apps) need CORS; no cookies are used, so credentials stay off.
  const allowOrigins = cors({ origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins, maxAge: 600 });
  // What a request meets once it is let in: the clients' and the warm-up's alike.
  const graphqlStack = [
    refuseUnsafeUploads(config.limits.bodyLimitBytes),
    // Multipart requests (uploads): each file's stream is cut one byte past the larger limit (images and
    // videos check their own limit as they read); as many files as the largest call takes (a batch, an average).
    graphqlUploadExpress({
      maxFileSize: Math.max(config.limits.maxImageBytes, config.video.maxBytes) + 1,
      maxFiles: Math.max(config.limits.maxBatchSize, config.limits.maxComposeImages),
    }),
    express.json({ limit: config.limits.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ res }) => contextFor(recordOf(res) as RequestRecord),
    }),
  ];
  app.use('/graphql', allowOrigins, identifyClient(keys, limiter, keyOf, refuseAsGraphQL), rateLimitGate(limiter, refuseAsGraphQL), ...graphqlStack);
  app.use(videoDownloads(videos.jobs, keys, limiter, keyOf));
  // MXFace clients send their key in Subscriptionkey.
  app.use(createMxfaceRouter({ detector, keys: services.compatKeys, limiter, reading: { maxBytes: config.limits.maxImageBytes } }));
  const page = config.demoPage ? demoPage() : undefined;
  if (page) app.use(page);
  app.use(bodyErrorHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    httpServer,
    warmUp: async () => {
      if (!providers.get(ProviderName.EMBEDDED)) return;
      const started = Date.now();
      const asWarmUp: RequestHandler = (_req, res, next) => {
        res.locals.record = new RequestRecord(WARM_UP_CLIENT, clientGone(res), UNLIMITED);
        next();
      };
      const outcome = await warmUpOverLoopback([asWarmUp, ...graphqlStack, bodyErrorHandler], await warmUpPhotos(), config.warmUpRequests).catch(
        (error: unknown) => ({ answered: 0, stoppedBy: describeError(error) }),
      );
      if (outcome.stoppedBy) log.warn('warm-up requests stopped early', { ...outcome, ms: Date.now() - started });
      else log.info('warm-up requests answered', { answered: outcome.answered, ms: Date.now() - started });
    },
    stop: () => {
      stopping ??= apollo
        .stop()
        .then(() => videos.jobs.close())
        .finally(() => decoder.close())
        .then(() => services.close());
      return stopping;
    },
  };
}

/** Video jobs on the replicas' shared BullMQ queue with REDIS_URL, else in this process. */
function videoJobs(config: Config, providers: Providers, decoder: DecoderProcess, chargeFrames: FrameCharge, photos: PhotoTraffic): VideoJobService {
  const options = {
    decoder,
    maxPixels: config.video.maxPixels,
    maxSeconds: config.video.maxSeconds,
    detectionMaxSide: config.detectionMaxSide,
    resultTtlSeconds: config.video.resultTtlSeconds,
    workers: config.video.workers,
    chargeFrames,
    photos,
  };
  const { queue } = config.video;
  if (!queue) return new VideoJobs(options);
  const detector = providers.get(ProviderName.EMBEDDED);
  const analyser = providers.analyser;
  return new QueuedVideoJobs({
    ...options,
    redisUrl: queue.url,
    storageDir: queue.storageDir,
    redisMaxBytes: queue.redisMaxBytes,
    segmentSeconds: queue.segmentSeconds,
    lockSeconds: queue.lockSeconds,
    engine: detector && analyser ? { detector, analyser } : undefined,
  });
}

/** The warm-up's identity: no client's (theirs start with `key:` or `ip:`), and no rate limit. */
const WARM_UP_CLIENT = 'warm-up';
const UNLIMITED = new ImageRateLimiter({ images: 0, windowSeconds: 1 });

/** The operation's name in the request's record, for its log line. */
const recordOperationName: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName, operation }) {
        contextValue.record.operation = operationName ?? operation?.operation;
      },
    };
  },
};

/**
 * Every answer is one client's, about its own images: `cache-control: no-store`, always. Apollo's
 * cache-control plugin came to the same header from per-field hints, with a hook call and its
 * garbage for each field resolved (about 2000 in a 6-face answer's landmarks).
 */
const neverStored: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

function isDevelopment(config: Config): boolean {
  return config.env === 'development';
}

/** Oversized or unparsable bodies: a GraphQL-shaped JSON error, never an HTML stack page. */
const bodyErrorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  // req.is: the type when it matches, false when another, null without a body.
  const refusal = bodyRefusal(error, typeof req.is('multipart/form-data') === 'string');
  if (refusal.status === 500) log.error('request body handling failed', { error: describeError(error) });
  // The client's doing: one line that names the cause, no stack trace.
  else log.info('request body refused', { request: req.id, status: refusal.status, cause: refusal.message });
  res.status(refusal.status).json({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
};

const MULTIPART_SPEC = 'https://github.com/jaydenseric/graphql-multipart-request-spec';

/**
 * What a body the server could not read gets: 413 for one over the limit, 400 for one the client
 * broke (invalid JSON; a multipart body that is malformed, cut off or without its `operations` and
 * `map` fields), 500 for anything else.
 */
export function bodyRefusal(error: unknown, multipart: boolean): { status: number; code: string; message: string } {
  const e = (error ?? {}) as { status?: unknown; type?: unknown; expose?: unknown; message?: unknown; length?: unknown; limit?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === 413 && e.type === 'entity.too.large') {
    const message = `The request body has ${String(e.length)} bytes; the limit is ${String(e.limit)} bytes (BODY_LIMIT_BYTES). Send large images as uploads, or fewer per request.`;
    return { status, code: 'PAYLOAD_TOO_LARGE', message };
  }
  const said = typeof e.message === 'string' ? e.message : '';
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: said || 'The request body is too large.' };
  if (multipart) {
    // graphql-upload-minimal answers 500 for a body without its fields (it suspects another parser
    // took them), and busboy throws plain errors ("Unexpected end of form"): both are a broken request.
    const cause = /couldn't find any files or JSON/.test(said) ? 'it has no `operations` or `map` field' : said.replace(/\.$/, '') || 'it could not be parsed';
    return { status: 400, code: 'BAD_REQUEST', message: `The multipart request is malformed: ${cause} (${MULTIPART_SPEC}).` };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, code: 'BAD_REQUEST', message: e.expose === true && said ? said : 'The request body is not valid JSON.' };
  }
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' };
}
