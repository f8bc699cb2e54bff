import fs from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { LOG_LEVELS } from './logger';
import { parseDigestFile } from './api-key-digests';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const keyList = z.string().transform((v) =>
  v
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean),
);

/** The landmark providers: the engine inside the service, and the MXFace cloud. */
export enum ProviderName {
  EMBEDDED = 'embedded',
  MXFACE = 'mxface',
}

// The kinds of engine the embedded provider can run, named here: providers import config, never
// the other way round.
/** The detector + landmark pipeline a worker runs for `detect`. */
export const EMBEDDED_ENGINES = ['mediapipe', 'faceapi'] as const;
export type EmbeddedEngineName = (typeof EMBEDDED_ENGINES)[number];

/** What seeds the mediapipe engine's mesh. */
export const FACE_DETECTORS = ['blazeface', 'yunet'] as const;
export type FaceDetectorName = (typeof FACE_DETECTORS)[number];

/** What runs the mediapipe engine's graphs: onnxruntime-node on converted models, or tfjs-wasm. */
export const ENGINE_RUNTIMES = ['onnx', 'tfjs'] as const;
export type EngineRuntime = (typeof ENGINE_RUNTIMES)[number];

/** What checks the boxes the mesh rejects: FaceBoxes, or nothing (faster, misses turned and dim faces). */
export const SECOND_DETECTORS = ['faceboxes', 'none'] as const;
export type SecondDetectorName = (typeof SECOND_DETECTORS)[number];

/** What refines the mediapipe engine's 68 points on the picture: the trained cascade, or nothing (a few ms a face less). */
export const LANDMARK_REFINERS = ['cascade', 'none'] as const;
export type LandmarkRefinerName = (typeof LANDMARK_REFINERS)[number];

/** Images per window per API key when keys are configured and RATE_LIMIT_IMAGES is not. */
const DEFAULT_KEYED_RATE_LIMIT = 600;

/** The environment variables the service reads (docs/configuration.md lists exactly these). */
export const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(4000),
  LANDMARK_PROVIDER: z.enum(ProviderName).default(ProviderName.EMBEDDED),
  EMBEDDED_ENABLED: bool.default(true),
  EMBEDDED_ENGINE: z.enum(EMBEDDED_ENGINES).default('mediapipe'),
  ENGINE_RUNTIME: z.enum(ENGINE_RUNTIMES).default('onnx'),
  SECOND_DETECTOR: z.enum(SECOND_DETECTORS).default('faceboxes'),
  LANDMARK_REFINER: z.enum(LANDMARK_REFINERS).default('cascade'),
  FACE_DETECTOR: z.enum(FACE_DETECTORS).default('blazeface'),
  YUNET_MODEL_PATH: z.string().min(1).optional(),
  WORKER_THREADS: int(1, 64).default(os.availableParallelism()),
  MAX_QUEUED_IMAGES: int(1, 100_000).default(64),
  WARM_UP_REQUESTS: int(0, 1000).default(24),
  MAX_IMAGE_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  MAX_IMAGE_PIXELS: int(1024, 200_000_000).default(40_000_000),
  MAX_BATCH_SIZE: int(1, 256).default(16),
  BODY_LIMIT_BYTES: int(1024, 4 * 1024 * 1024 * 1024).optional(),
  URL_INPUT_ENABLED: bool.default(true),
  URL_ALLOWED_HOSTS: keyList.default([]),
  URL_FETCH_TIMEOUT_MS: int(100, 300_000).default(10_000),
  URL_MAX_REDIRECTS: int(0, 20).default(3),
  DEMO_PAGE: bool.default(true),
  DETECTION_MAX_SIDE: int(128, 8192).default(1280),
  MAX_CROP_SIZE: int(16, 4096).default(1024),
  MAX_COMPOSE_IMAGES: int(2, 1000).default(64),
  MAX_QUERY_DEPTH: int(2, 100).default(10),
  MAX_ALIASES: int(1, 1000).default(20),
  MAX_QUERY_COST: int(1, 1_000_000).default(5000),
  MAX_QUERY_TOKENS: int(100, 1_000_000).default(5000),
  INTROSPECTION: bool.optional(),
  CORS_ORIGINS: keyList.default(['*']),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(15_000),
  MXFACE_URL: z.url({ protocol: /^https?$/ }).default('https://faceapi.mxface.ai'),
  MXFACE_API_PREFIX: z
    .string()
    .regex(/^(\/[\w.-]+)*$/, 'a path such as /api or /api/v3')
    .default('/api'),
  MXFACE_SUBSCRIPTION_KEY: z.string().min(1).optional(),
  MXFACE_ATTEMPT_TIMEOUT_MS: int(100, 300_000).default(10_000),
  MXFACE_TOTAL_TIMEOUT_MS: int(100, 600_000).default(30_000),
  MXFACE_MAX_ATTEMPTS: int(1, 10).default(3),
  MXFACE_RETRY_BASE_MS: int(1, 60_000).default(200),
  MXFACE_CONCURRENCY: int(1, 256).default(4),
  MXFACE_BREAKER_FAILURES: int(1, 1000).default(5),
  MXFACE_BREAKER_COOLDOWN_MS: int(100, 3_600_000).default(15_000),
  MXFACE_COMPAT_KEYS: keyList.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  API_KEYS: keyList.default([]),
  API_KEYS_FILE: z.string().min(1).optional(),
  OPS_REQUIRE_KEY: bool.default(false),
  RATE_LIMIT_IMAGES: int(0, 10_000_000).optional(),
  RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60),
  TRUST_PROXY: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  CACHE_TTL_SECONDS: int(1, 30 * 86_400).default(3600),
  CACHE_MAX_ENTRY_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  MAX_VIDEO_BYTES: int(1024, 16 * 1024 * 1024 * 1024).default(500 * 1024 * 1024),
  MAX_VIDEO_SECONDS: int(1, 24 * 3600).default(600),
  MAX_VIDEO_PIXELS: int(1024, 100_000_000).default(3840 * 2160),
  VIDEO_RESULT_TTL_SECONDS: int(1, 30 * 86_400).default(86_400),
  VIDEO_WORKERS: int(1, 64).optional(),
  VIDEO_STORAGE_DIR: z.string().min(1).optional(),
  VIDEO_REDIS_MAX_BYTES: int(1024, 512 * 1024 * 1024).default(64 * 1024 * 1024),
  VIDEO_SEGMENT_SECONDS: int(2, 600).default(10),
  VIDEO_LOCK_SECONDS: int(2, 3600).default(30),
  VIDEO_DECODER_MAX_MEMORY_MB: int(512, 64 * 1024).default(2048),
  VIDEO_DECODER_MAX_CPU_SECONDS: int(10, 7 * 86_400).optional(),
});

/** The environment, checked across variables too, turned into the service's configuration. */
const configSchema = envSchema
  .superRefine((e, ctx) => {
    const problem = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
    if (e.LANDMARK_PROVIDER === ProviderName.MXFACE && !e.MXFACE_SUBSCRIPTION_KEY) problem('MXFACE_SUBSCRIPTION_KEY', 'required when LANDMARK_PROVIDER=mxface');
    if (e.LANDMARK_PROVIDER === ProviderName.EMBEDDED && !e.EMBEDDED_ENABLED) problem('EMBEDDED_ENABLED', 'cannot be false while LANDMARK_PROVIDER=embedded');
    if (e.API_KEYS_FILE) {
      const keysProblem = keyFileProblem(e.API_KEYS_FILE);
      if (keysProblem) problem('API_KEYS_FILE', keysProblem);
    }
    if (e.FACE_DETECTOR === 'yunet') {
      const yunet = yunetProblem(e.EMBEDDED_ENGINE, e.YUNET_MODEL_PATH);
      if (yunet) problem(yunet.variable, yunet.message);
    }
  })
  .transform((e) => ({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    /** The provider used when a request does not pick one. */
    provider: e.LANDMARK_PROVIDER,
    embeddedEnabled: e.EMBEDDED_ENABLED,
    /** The embedded detector + landmark pipeline. */
    embeddedEngine: e.EMBEDDED_ENGINE,
    /** What runs the mediapipe engine's graphs: onnxruntime-node (converted at build time) or tfjs-wasm. */
    engineRuntime: e.ENGINE_RUNTIME,
    /** What confirms or adds faces where the mesh rejects a detector's box. */
    secondDetector: e.SECOND_DETECTOR,
    /** What moves the mesh's 68 points to where the picture shows them. */
    landmarkRefiner: e.LANDMARK_REFINER,
    /** What seeds the mediapipe engine's mesh. */
    faceDetector: { name: e.FACE_DETECTOR, modelPath: e.YUNET_MODEL_PATH },
    workerThreads: e.WORKER_THREADS,
    /** Images waiting for an engine worker at most; more are refused with SERVER_BUSY. */
    maxQueuedImages: e.MAX_QUEUED_IMAGES,
    /** GraphQL detections the server sends itself over loopback before /ready (embedded engine only); 0: none. */
    warmUpRequests: e.WARM_UP_REQUESTS,
    /** Set when an MXFace subscription key is configured. */
    mxface: e.MXFACE_SUBSCRIPTION_KEY
      ? {
          url: e.MXFACE_URL.replace(/\/+$/, ''),
          apiPrefix: e.MXFACE_API_PREFIX,
          subscriptionKey: e.MXFACE_SUBSCRIPTION_KEY,
          attemptTimeoutMs: e.MXFACE_ATTEMPT_TIMEOUT_MS,
          totalTimeoutMs: e.MXFACE_TOTAL_TIMEOUT_MS,
          maxAttempts: e.MXFACE_MAX_ATTEMPTS,
          retryBaseMs: e.MXFACE_RETRY_BASE_MS,
          concurrency: e.MXFACE_CONCURRENCY,
          breakerFailures: e.MXFACE_BREAKER_FAILURES,
          breakerCooldownMs: e.MXFACE_BREAKER_COOLDOWN_MS,
        }
      : undefined,
    /** Keys accepted by the MXFace-compatible REST endpoint; undefined = open. */
    mxfaceCompatKeys: e.MXFACE_COMPAT_KEYS?.length ? e.MXFACE_COMPAT_KEYS : undefined,
    limits: {
      maxImageBytes: e.MAX_IMAGE_BYTES,
      maxImagePixels: e.MAX_IMAGE_PIXELS,
      maxBatchSize: e.MAX_BATCH_SIZE,
      // A full batch of base64 images at the byte limit fits (4/3 per byte), plus room for the query.
      bodyLimitBytes: e.BODY_LIMIT_BYTES ?? Math.ceil((e.MAX_BATCH_SIZE * e.MAX_IMAGE_BYTES * 4) / 3) + 1024 * 1024,
      maxCropSize: e.MAX_CROP_SIZE,
      maxComposeImages: e.MAX_COMPOSE_IMAGES,
    },
    detectionMaxSide: e.DETECTION_MAX_SIDE,
    /** Image URLs the service fetches itself; undefined when URL input is off. */
    urlInput: e.URL_INPUT_ENABLED ? { allowedHosts: e.URL_ALLOWED_HOSTS, timeoutMs: e.URL_FETCH_TIMEOUT_MS, maxRedirects: e.URL_MAX_REDIRECTS } : undefined,
    /** Serve the demo page at GET /. */
    demoPage: e.DEMO_PAGE,
    graphql: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxCost: e.MAX_QUERY_COST,
      maxTokens: e.MAX_QUERY_TOKENS,
      introspection: e.INTROSPECTION ?? true,
    },
    /** Browser origins allowed to call the API; ['*'] = any. */
    corsOrigins: e.CORS_ORIGINS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    access: {
      /** Plain keys; with `keysFile` (sha256 digests) they close /graphql and the MXFace-compatible endpoint. */
      keys: e.API_KEYS,
      keysFile: e.API_KEYS_FILE,
      /** Whether /health, /ready and /metrics need a key too (when keys are configured). */
      opsRequireKey: e.OPS_REQUIRE_KEY,
      /**
       * Images per window per client; 0 = no limit. By default none without keys (one self-hosted
       * client working through a folder is the usual open service), DEFAULT_KEYED_RATE_LIMIT per key.
       */
      rateLimit: {
        images: e.RATE_LIMIT_IMAGES ?? (e.API_KEYS.length > 0 || e.API_KEYS_FILE ? DEFAULT_KEYED_RATE_LIMIT : 0),
        windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      },
      /** Express's `trust proxy`: which X-Forwarded-For hops give the client's IP. */
      trustProxy: e.TRUST_PROXY === undefined ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY,
    },
    video: {
      maxBytes: e.MAX_VIDEO_BYTES,
      maxSeconds: e.MAX_VIDEO_SECONDS,
      maxPixels: e.MAX_VIDEO_PIXELS,
      resultTtlSeconds: e.VIDEO_RESULT_TTL_SECONDS,
      /** Engine workers one video job uses at once (its segments side by side); the others stay free for photos. */
      workers: e.VIDEO_WORKERS ?? Math.max(1, e.WORKER_THREADS - 1),
      /** Each decoder process's bounds (prlimit); its CPU time defaults to 3 s per second of the longest clip accepted. */
      decoder: {
        maxMemoryBytes: e.VIDEO_DECODER_MAX_MEMORY_MB * 1024 * 1024,
        maxCpuSeconds: e.VIDEO_DECODER_MAX_CPU_SECONDS ?? 3 * e.MAX_VIDEO_SECONDS,
      },
      /** With REDIS_URL: jobs and their segments on a BullMQ queue every replica shares (docs/video.md). */
      queue: e.REDIS_URL
        ? {
            url: e.REDIS_URL,
            /** A directory every replica mounts, for clips; unset: clips in Redis, up to `redisMaxBytes`. */
            storageDir: e.VIDEO_STORAGE_DIR,
            redisMaxBytes: e.VIDEO_REDIS_MAX_BYTES,
            segmentSeconds: e.VIDEO_SEGMENT_SECONDS,
            /** A segment whose replica stops renewing its lock this long is taken over by another. */
            lockSeconds: e.VIDEO_LOCK_SECONDS,
          }
        : undefined,
    },
    /** Shared state across replicas: the result cache and the rate-limit counts. */
    redis: e.REDIS_URL ? { url: e.REDIS_URL, cacheTtlSeconds: e.CACHE_TTL_SECONDS, cacheMaxEntryBytes: e.CACHE_MAX_ENTRY_BYTES } : undefined,
  }));

/** The service's configuration: what `configSchema` makes of the environment. */
export type Config = z.output<typeof configSchema>;
export type MxfaceConfig = NonNullable<Config['mxface']>;

export class ConfigError extends Error {}

/** Reads and validates the environment once at start; a bad value stops the process with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  return parsed.data;
}

function keyFileProblem(file: string): string | undefined {
  try {
    parseDigestFile(fs.readFileSync(file, 'utf8'));
    return undefined;
  } catch (error) {
    return `${file}: ${(error as Error).message}`;
  }
}

/** Why FACE_DETECTOR=yunet cannot work with these settings, or undefined when it can. */
function yunetProblem(engine: EmbeddedEngineName, modelPath: string | undefined): { variable: string; message: string } | undefined {
  if (engine !== 'mediapipe') return { variable: 'FACE_DETECTOR', message: `yunet seeds the mediapipe engine; EMBEDDED_ENGINE is ${engine}` };
  if (!modelPath) return { variable: 'YUNET_MODEL_PATH', message: 'required when FACE_DETECTOR=yunet (a YuNet ONNX file, e.g. yunet_n_dynamic.onnx)' };
  if (!fs.existsSync(modelPath)) return { variable: 'YUNET_MODEL_PATH', message: `no file at ${modelPath}` };
  return undefined;
}
