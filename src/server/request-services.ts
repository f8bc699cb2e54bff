// What request handling relies on besides the providers, built once per server from the
// configuration: who may call (keys, rate limits), how images arrive (the URL fetcher), and what
// replicas share through Redis (cached answers, rate-limit counts).
import type { Config } from '../config';
import { ApiKeys } from '../access/api-keys';
import { ImageRateLimiter } from '../access/image-rate-limiter';
import { connectRedis } from '../cache/redis-connection';
import { NO_CACHE, RedisResultCache, type ResultCache } from '../cache/result-cache';
import { AddressPolicy } from '../image/address-policy';
import { ErrorCode } from '../errors';
import type { VideoReading } from '../video/video-source';
import type { ImageReading } from '../image/image-input';
import { UrlFetcher } from '../image/url-fetcher';
import { log } from '../logger';

export interface RequestServices {
  /** The keys of /graphql (and of the probes with OPS_REQUIRE_KEY). */
  keys: ApiKeys;
  /** The keys of the MXFace-compatible endpoint: the API keys and MXFACE_COMPAT_KEYS. */
  compatKeys: ApiKeys;
  limiter: ImageRateLimiter;
  cache: ResultCache;
  imageReading: ImageReading;
  videoReading: VideoReading;
  close(): Promise<void>;
}

export function createRequestServices(config: Config): RequestServices {
  const redis = config.redis && connectRedis(config.redis.url);
  const keys = ApiKeys.from(config.access.keys, config.access.keysFile);
  if (keys.open) log.warn('no API keys configured (API_KEYS, API_KEYS_FILE): /graphql is open to anyone who can reach it');
  const fetcher =
    config.urlInput &&
    new UrlFetcher({
      policy: new AddressPolicy(config.urlInput.allowedHosts),
      timeoutMs: config.urlInput.timeoutMs,
      maxRedirects: config.urlInput.maxRedirects,
      maxBytes: config.limits.maxImageBytes,
    });
  const videoFetcher =
    config.urlInput &&
    new UrlFetcher({
      policy: new AddressPolicy(config.urlInput.allowedHosts),
      timeoutMs: config.urlInput.timeoutMs,
      maxRedirects: config.urlInput.maxRedirects,
      maxBytes: config.video.maxBytes,
      kind: { what: 'video', tooLarge: ErrorCode.VIDEO_TOO_LARGE },
    });
  return {
    keys,
    compatKeys: ApiKeys.from([...config.access.keys, ...(config.mxfaceCompatKeys ?? [])], config.access.keysFile),
    limiter: new ImageRateLimiter(config.access.rateLimit, redis || undefined),
    cache:
      redis && config.redis
        ? new RedisResultCache(redis, { ttlSeconds: config.redis.cacheTtlSeconds, maxEntryBytes: config.redis.cacheMaxEntryBytes })
        : NO_CACHE,
    imageReading: { maxBytes: config.limits.maxImageBytes, fetchUrl: fetcher ? (url, field) => fetcher.fetch(url, field) : undefined },
    videoReading: { maxBytes: config.video.maxBytes, saveUrl: videoFetcher ? (url, file, field) => videoFetcher.saveTo(url, file, field) : undefined },
    close: async () => {
      await fetcher?.close();
      await videoFetcher?.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}
