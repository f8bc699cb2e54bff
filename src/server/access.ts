// Who is calling and whether they may: the API key check and the rate-limit gate in front of the
// endpoints that do work, and the request record every later step fills in.
import type { Request, RequestHandler, Response } from 'express';
import type { ApiKeys } from '../access/api-keys';
import type { ImageRateLimiter } from '../access/image-rate-limiter';
import { metrics } from '../observability/metrics';
import { clientGone } from './client-gone';
import { recordOf, RequestRecord } from './request-record';

/** How an endpoint answers a refusal: GraphQL's error shape, or MXFace's envelope. */
export type Refuse = (res: Response, status: 401 | 429, message: string, code: 'UNAUTHENTICATED' | 'RATE_LIMITED') => void;

export const refuseAsGraphQL: Refuse = (res, status, message, code) => {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
};

/**
 * Identifies the client by its key (`key` reads the presented one) or, while no keys are configured,
 * by its IP; a missing or unknown key gets 401. Creates the request's record.
 */
export function identifyClient(keys: ApiKeys, limiter: ImageRateLimiter, key: (req: Request) => string | undefined, refuse: Refuse): RequestHandler {
  return (req, res, next) => {
    const client = keys.client(key(req), req.ip);
    if (!client) {
      res.set('WWW-Authenticate', 'Bearer');
      return void refuse(res, 401, 'A valid API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>".', 'UNAUTHENTICATED');
    }
    res.locals.record = new RequestRecord(client, clientGone(res), limiter);
    next();
  };
}

/** A client with no images left in its window gets 429 and Retry-After before its body is read. */
export function rateLimitGate(limiter: ImageRateLimiter, refuse: Refuse): RequestHandler {
  return (_req, res, next) => {
    const record = recordOf(res) as RequestRecord;
    limiter.secondsUntilAllowed(record.client).then((seconds) => {
      if (seconds === 0) return next();
      metrics.rateLimited.inc();
      res.set('Retry-After', String(seconds));
      refuse(res, 429, `Rate limit reached for this client: retry in ${seconds} s.`, 'RATE_LIMITED');
    }, next);
  };
}

/** Health, readiness and metrics: open unless OPS_REQUIRE_KEY asks for a key (where keys exist). */
export function opsAccess(keys: ApiKeys, required: boolean, key: (req: Request) => string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!required || keys.open || keys.identify(key(req))) return next();
    res.set('WWW-Authenticate', 'Bearer');
    res.status(401).json({ error: 'A valid API key is required for this endpoint.' });
  };
}

const CSRF_MESSAGE =
  'This request has been blocked as a potential Cross-Site Request Forgery (CSRF): send multipart uploads with an "Apollo-Require-Preflight: true" header (or "X-Apollo-Operation-Name").';

/**
 * Apollo's CSRF rule for uploads, applied before the multipart parser: a multipart request without a
 * preflight header is refused (400) once its body has been read, up to `maxBytes`. Refused by Apollo
 * after the parser had begun, the client, still sending its file, could get a reset connection
 * instead of the answer.
 */
export function refuseUnsafeUploads(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    const multipart = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
    if (!multipart || req.headers['apollo-require-preflight'] || req.headers['x-apollo-operation-name']) return next();
    let read = 0;
    const refuse = () => {
      if (!res.headersSent) res.status(400).json({ errors: [{ message: CSRF_MESSAGE, extensions: { code: 'BAD_REQUEST' } }] });
    };
    req.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > maxBytes) {
        refuse();
        req.destroy();
      }
    });
    req.once('end', refuse);
  };
}
