import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { createDetectionLoaders } from '../detection/detection-loaders';
import { detectionPayload } from '../detection/detection-payload';
import type { ApiKeys } from '../access/api-keys';
import type { ImageReading } from '../image/image-input';
import { ImageRateLimiter } from '../access/image-rate-limiter';
import { identifyClient, rateLimitGate, type Refuse } from '../server/access';
import { recordOf, type RequestRecord } from '../server/request-record';
import type { DetectionRunner } from '../detection/detection-runner';
import { ErrorCode } from '../errors';
import { distance } from '../geometry/geometry';
import type { ImageFileFormat } from '../image/image-format';
import { describeError, log } from '../logger';
import {
  MXFACE_LANDMARK_PATH,
  MXFACE_MAX_BODY_BYTES,
  mxfaceErrorBody,
  mxfaceRequestSchema,
  toMxfaceFace,
  type MxfaceFace,
} from '../providers/mxface/mxface-contract';

/** The path prefixes MXFace clients use. */
export const MXFACE_PREFIXES = ['/api', '/api/v2', '/api/v3'];

export interface MxfaceRouterOptions {
  detector: DetectionRunner;
  /** Accepted subscription keys (sent in `Subscriptionkey`); none leaves the endpoint open. */
  keys: ApiKeys;
  /** Images per client; no limit when absent. */
  limiter?: ImageRateLimiter;
  /** The byte limit (base64 only on this endpoint). */
  reading: ImageReading;
  /** Formats accepted; the vendor takes JPEG, PNG and BMP. Default: every format the service reads. */
  formats?: ImageFileFormat[];
  /** Runs after the key check, before detection (the local server's fault injection). */
  beforeDetect?: RequestHandler;
  /** Turns the documented face list into the body sent (the local server's response variations). */
  shapeResponse?: (faces: MxfaceFace[]) => unknown;
}

const INVALID_KEY = 'Access denied due to invalid subscription key or wrong API endpoint.';

const fail = (res: Response, status: number, message: string) => res.status(status).json(mxfaceErrorBody(status, message));

/**
 * `POST {prefix}/face/landmark` speaking MXFace's contract, answered through the same per-request
 * DataLoaders and providers as GraphQL, so MXFace clients switch by changing their base URL.
 */
export function createMxfaceRouter(options: MxfaceRouterOptions): express.Router {
  const router = express.Router();
  const paths = MXFACE_PREFIXES.map((prefix) => `${prefix}${MXFACE_LANDMARK_PATH}`);
  const limiter = options.limiter ?? new ImageRateLimiter({ images: 0, windowSeconds: 1 });
  // MXFace's own envelope and wording for refusals, so its clients keep working unchanged.
  const refuse: Refuse = (res, status, message) => void fail(res, status, status === 401 ? INVALID_KEY : message);

  const detect: RequestHandler = async (req, res, next) => {
    try {
      const request = mxfaceRequestSchema.safeParse(req.body);
      if (!request.success) return void fail(res, 400, 'Missing or invalid parameter: encoded_image (a base64 string) is required.');
      const { encoded_image: base64, minimumDistanceBetweenEyeThreshold: minEyeDistance } = request.data;
      const record = recordOf(res) as RequestRecord;
      record.operation = 'mxface-landmark';
      const outcome = await detectionPayload(createDetectionLoaders(options.detector, record.clientGone), {
        request: record,
        providers: options.detector.providers,
        image: { base64 },
        field: ['encoded_image'],
        reading: options.reading,
      });
      const [error] = outcome.userErrors;
      if (error) {
        if (error.code === ErrorCode.SERVER_BUSY) res.set('Retry-After', '1');
        return void fail(res, statusFor(error.code), messageFor(error.code, error.message));
      }
      if (options.formats && outcome.image && !options.formats.includes(outcome.image.format)) {
        return void fail(res, 400, `Invalid image: ${options.formats.join(', ')} are accepted.`);
      }
      const faces = (outcome.faces ?? [])
        .filter((f) => minEyeDistance === undefined || distance(f.fivePoints.leftEye, f.fivePoints.rightEye) >= minEyeDistance)
        .map((f) => toMxfaceFace(f));
      res.status(200).json(options.shapeResponse ? options.shapeResponse(faces) : faces);
    } catch (error) {
      next(error);
    }
  };

  const handlers: RequestHandler[] = [
    identifyClient(options.keys, limiter, (req) => req.get('subscriptionkey'), refuse),
    rateLimitGate(limiter, refuse),
    express.json({ limit: MXFACE_MAX_BODY_BYTES, type: () => true }),
  ];
  if (options.beforeDetect) handlers.push(options.beforeDetect);
  router.post(paths, ...handlers, detect);
  router.use(paths, envelopeErrors);
  return router;
}

function statusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.UPSTREAM_RATE_LIMITED:
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.SERVER_BUSY:
      return 503;
    case ErrorCode.ENGINE_FAILURE:
    case ErrorCode.UPSTREAM_UNAVAILABLE:
    case ErrorCode.UPSTREAM_TIMEOUT:
    case ErrorCode.UPSTREAM_AUTH_FAILED:
    case ErrorCode.UPSTREAM_PROTOCOL_ERROR:
      return 500;
    default:
      return 400;
  }
}

function messageFor(code: ErrorCode, message: string): string {
  return code === ErrorCode.INVALID_BASE64 ? 'The input is not a valid Base-64 string.' : message;
}

/** Body-parser and unexpected failures in the vendor's envelope, never an HTML page. */
const envelopeErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error?.type === 'entity.too.large') return void fail(res, 413, `The request body is larger than ${MXFACE_MAX_BODY_BYTES} bytes.`);
  if (error?.type === 'entity.parse.failed') return void fail(res, 400, 'The request body is not valid JSON.');
  log.error('mxface-compatible endpoint failed', { error: describeError(error) });
  fail(res, 500, 'Internal server error.');
};
