import { Redis } from 'ioredis';
import { describeError, log } from '../logger';

const WARN_EVERY_MS = 60_000;

/**
 * One Redis connection for the cache and the rate limiter. Commands fail at once while it is down
 * (no offline queue, one attempt, a short timeout), so a dead Redis slows nothing; it reconnects
 * in the background.
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2000),
  });
  let lastWarning = 0;
  redis.on('error', (error: unknown) => {
    if (Date.now() - lastWarning < WARN_EVERY_MS) return;
    lastWarning = Date.now();
    log.warn('redis unreachable: no shared cache, rate limits counted per replica until it returns', { error: describeError(error) });
  });
  redis.on('ready', () => log.info('redis connected'));
  return redis;
}
