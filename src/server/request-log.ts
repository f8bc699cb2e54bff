// One log line per HTTP request (pino-http), rejected ones included, and the request metrics.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { rootLogger } from '../logger';
import { metrics } from '../observability/metrics';
import { recordOf } from './request-record';

// A proxy's request id is kept when it looks like one; anything else is replaced.
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const PROBES = new Set(['/health', '/ready', '/metrics']);

// Express rewrites `url` inside mounted routers; `originalUrl` keeps what the client asked for.
const pathOf = (req: IncomingMessage & { originalUrl?: string }) => (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
const routeOf = (req: IncomingMessage) => {
  const path = pathOf(req);
  if (path === '/graphql') return 'graphql';
  if (PROBES.has(path)) return path.slice(1);
  return /\/face\/landmark$/.test(path) ? 'mxface' : 'other';
};

export function requestLog(): RequestHandler {
  const logger = pinoHttp<Request, Response>({
    logger: rootLogger(),
    genReqId: (req, res) => {
      const proxied = req.headers['x-request-id'];
      const id = typeof proxied === 'string' && REQUEST_ID.test(proxied) ? proxied : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Probes every few seconds would drown the rest: they log at debug, 503 `starting`/`busy` too.
    customLogLevel: (req, res, error) => {
      if (PROBES.has(pathOf(req)) && res.statusCode !== 401) return 'debug';
      if (error || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    // For a 5xx pino-http attaches an Error of its own whose stack points into pino-http; the real
    // cause, when there is one, is logged where it happened (formatError, the body error handler).
    customErrorObject: (_req, _res, _error, value: Record<string, unknown>) => ({ ...value, err: undefined }),
    customSuccessMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    customProps: (_req, res) => {
      const record = recordOf(res);
      if (!record) return {};
      return {
        client: record.client,
        operation: record.operation,
        images: record.images,
        outcome: record.outcome(res.statusCode, !res.writableFinished),
        userErrors: record.userErrors.length ? record.userErrors : undefined,
      };
    },
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return (req: Request, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      metrics.requests.observe({ route: routeOf(req), status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    logger(req, res, next);
  };
}
