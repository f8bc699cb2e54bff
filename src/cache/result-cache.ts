// The result cache shared by replicas: a provider's answer for an image, keyed by its sha256, the
// detection settings and the provider's version, in Redis with a TTL. Redis being down costs the
// cache, never a request: every failure is a miss (counted, and warned about at most once a minute).
import type { Redis } from 'ioredis';
import { describeError, log } from '../logger';
import { metrics } from '../observability/metrics';
import type { ProviderFace } from '../providers/provider';
import { decodeFaces, encodeFaces } from './face-codec';

export interface ResultCache {
  /** The cached answer of each key, or undefined (a miss, or the cache unreachable). */
  get(keys: readonly string[]): Promise<Array<ProviderFace[] | undefined>>;
  /** Stores answers in the background; failures are logged, never thrown. */
  set(entries: ReadonlyArray<{ key: string; faces: ProviderFace[] }>): void;
}

export const NO_CACHE: ResultCache = {
  get: async (keys) => keys.map(() => undefined),
  set: () => undefined,
};

const WARN_EVERY_MS = 60_000;

export class RedisResultCache implements ResultCache {
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: { ttlSeconds: number; maxEntryBytes: number; prefix?: string },
  ) {}

  async get(keys: readonly string[]): Promise<Array<ProviderFace[] | undefined>> {
    if (keys.length === 0) return [];
    try {
      const values = await this.redis.mget(keys.map((k) => this.redisKey(k)));
      return values.map((value) => {
        metrics.cacheLookups.inc({ result: value === null ? 'miss' : 'hit' });
        return value === null ? undefined : decodeFaces(value);
      });
    } catch (error) {
      metrics.cacheLookups.inc({ result: 'error' }, keys.length);
      this.warn('result cache unreachable: detecting without it', error);
      return keys.map(() => undefined);
    }
  }

  set(entries: ReadonlyArray<{ key: string; faces: ProviderFace[] }>): void {
    const batch = this.redis.multi();
    let count = 0;
    for (const { key, faces } of entries) {
      const value = encodeFaces(faces);
      // The size bound: a crowd's meshes can weigh megabytes; such answers are not worth the memory.
      if (Buffer.byteLength(value) > this.options.maxEntryBytes) continue;
      batch.set(this.redisKey(key), value, 'EX', this.options.ttlSeconds);
      count++;
    }
    if (count === 0) return;
    batch.exec().catch((error: unknown) => this.warn('result cache write failed', error));
  }

  private redisKey(key: string): string {
    return `${this.options.prefix ?? 'facemark:result:'}${key}`;
  }

  private warn(message: string, error: unknown): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    log.warn(message, { error: describeError(error) });
  }
}
