import type { GraphQLSchema } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import cors from 'cors';
import express, { type ErrorRequestHandler } from 'express';
import type { Config } from '../config';
import { createDetectionLoaders } from '../detection/detection-loaders';
import { DetectionRunner } from '../detection/detection-runner';
import { createMxfaceRouter } from '../mxface-compat/mxface-router';
import type { GraphQLContext } from '../graphql/context';
import { formatError } from '../graphql/format-error';
import type { Providers } from '../providers/providers';
import { clientGone } from './client-gone';

export interface FacemarkServer {
  /** The bound address, e.g. http://127.0.0.1:4000 */
  url: string;
  httpServer: http.Server;
  /** Stops accepting connections, lets in-flight requests finish, then closes the providers. */
  stop(): Promise<void>;
}

/** Builds and starts the HTTP server: GraphQL at /graphql, /health and /ready. */
export async function startServer(config: Config, providers: Providers, schema: GraphQLSchema): Promise<FacemarkServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const detector = new DetectionRunner(providers, { maxPixels: config.limits.maxImagePixels, maxSide: config.detectionMaxSide });

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
      ...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      config.env === 'production' ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // A load balancer's probe: not ready while the models load, nor while the engine queue is full.
  app.get('/ready', (_req, res) => {
    const status = !providers.isReady() ? 'starting' : providers.isBusy() ? 'busy' : 'ready';
    if (status === 'busy') res.set('Retry-After', '1');
    res.status(status === 'ready' ? 200 : 503).json({ status, providers: providers.names });
  });
  // Browsers (Apollo Sandbox, web apps) need CORS; no cookies are used, so credentials stay off.
  const allowOrigins = cors({ origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins, maxAge: 600 });
  app.use(
    '/graphql',
    allowOrigins,
    express.json({ limit: config.limits.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ res }) => ({ config, providers, loaders: createDetectionLoaders(detector, clientGone(res)) }),
    }),
  );
  app.use(createMxfaceRouter({ detector, keys: config.mxfaceCompatKeys, maxImageBytes: config.limits.maxImageBytes }));
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
    stop: () => {
      stopping ??= apollo.stop().then(() => providers.close());
      return stopping;
    },
  };
}

function isDevelopment(config: Config): boolean {
  return config.env === 'development';
}

/** Oversized or unparsable bodies: a GraphQL-shaped JSON error, never an HTML stack page. */
const bodyErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  const code = error?.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
  const message =
    code === 'PAYLOAD_TOO_LARGE'
      ? `The request body is larger than the limit of ${error.limit} bytes.`
      : status === 500
        ? 'Internal server error.'
        : 'The request body is not valid JSON.';
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
};
