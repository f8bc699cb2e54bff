// `npm run mxface-server`: the local MXFace stand-in, configured by environment variables.
import { z } from 'zod';
import { describeError, log } from '../../src/logger';
import { NO_FAULTS, type ResponseVariant } from './fault-injection';
import { startMxfaceServer } from './mxface-server';

const rate = z.coerce.number().min(0).max(1);
const env = z
  .object({
    MXFACE_SERVER_HOST: z.string().default('127.0.0.1'),
    MXFACE_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
    MXFACE_SERVER_KEYS: z.string().default('local-dev-key'),
    WORKER_THREADS: z.coerce.number().int().min(1).max(64).default(1),
    MXFACE_FAULT_LATENCY_MS: z.coerce.number().int().min(0).default(NO_FAULTS.latencyMs),
    MXFACE_FAULT_ERROR_RATE: rate.default(NO_FAULTS.errorRate),
    MXFACE_FAULT_ERROR_STATUS: z.coerce.number().int().min(400).max(599).default(NO_FAULTS.errorStatus),
    MXFACE_FAULT_RATE_LIMIT_RATE: rate.default(NO_FAULTS.rateLimitRate),
    MXFACE_FAULT_DROP_RATE: rate.default(NO_FAULTS.dropRate),
    MXFACE_FAULT_MALFORMED_RATE: rate.default(NO_FAULTS.malformedRate),
    MXFACE_FAULT_SLOW_BODY_MS: z.coerce.number().int().min(0).default(NO_FAULTS.slowBodyMs),
    MXFACE_RESPONSE_VARIANT: z.enum(['array', 'wrapped-array', 'object', 'quality-100', 'no-mouth', 'extra-fields']).default('array'),
  })
  .parse(process.env);

startMxfaceServer({
  host: env.MXFACE_SERVER_HOST,
  port: env.MXFACE_SERVER_PORT,
  keys: env.MXFACE_SERVER_KEYS.split(',')
    .map((k) => k.trim())
    .filter(Boolean),
  threads: env.WORKER_THREADS,
  faults: {
    latencyMs: env.MXFACE_FAULT_LATENCY_MS,
    errorRate: env.MXFACE_FAULT_ERROR_RATE,
    errorStatus: env.MXFACE_FAULT_ERROR_STATUS,
    rateLimitRate: env.MXFACE_FAULT_RATE_LIMIT_RATE,
    dropRate: env.MXFACE_FAULT_DROP_RATE,
    malformedRate: env.MXFACE_FAULT_MALFORMED_RATE,
    slowBodyMs: env.MXFACE_FAULT_SLOW_BODY_MS,
    variant: env.MXFACE_RESPONSE_VARIANT as ResponseVariant,
  },
}).then(
  (server) => {
    log.info('local MXFace server listening', { url: `${server.url}/api/face/landmark` });
    const stop = () => void server.stop().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: unknown) => {
    log.fatal('the local MXFace server failed to start', { error: describeError(error) });
    process.exit(1);
  },
);
