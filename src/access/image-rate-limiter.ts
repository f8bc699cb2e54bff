// Rate limits counted in images (a batch of 16 costs 16, a video job its analysed frames), per API key or, without keys, per client
// IP. rate-limiter-flexible keeps the counts: in Redis when REDIS_URL is set, so every replica
// shares them, with an in-memory limiter as insurance while Redis is unreachable; in memory otherwise.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode, UserFacingError } from '../errors';
import { metrics } from '../observability/metrics';

export interface RateLimitSettings {
  /** Images per window; 0 turns the limit off. */
  images: number;
  windowSeconds: number;
}

export class ImageRateLimiter {
  private readonly limiter: RateLimiterAbstract | undefined;

  constructor(settings: RateLimitSettings, redis?: Redis) {
    if (settings.images === 0) return;
    const options = { points: settings.images, duration: settings.windowSeconds, keyPrefix: 'facemark:rate' };
    this.limiter = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
      : new RateLimiterMemory(options);
  }

  /** Seconds until the client may send an image again, or 0 when it may now. */
  async secondsUntilAllowed(client: string): Promise<number> {
    const state = await this.limiter?.get(client).catch(() => null);
    return state && state.remainingPoints <= 0 ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  /**
   * Counts `images` already served (a video job's analysed frames) without refusing anything: they
   * use up the client's allowance, so its next requests wait their turn.
   */
  async charge(client: string, images: number): Promise<void> {
    if (!this.limiter || images <= 0) return;
    await this.limiter.penalty(client, images).catch(() => undefined);
  }

  /** Counts one image; past the limit, throws the RATE_LIMITED user error saying when to retry. */
  async admit(client: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(client, 1);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) return; // the store failed and has no insurance: let it through
      metrics.rateLimited.inc();
      const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new UserFacingError(ErrorCode.RATE_LIMITED, `Rate limit reached for this client: retry in ${seconds} s.`);
    }
  }
}
