import os from 'node:os';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(4000),
  LANDMARK_PROVIDER: z.enum(['embedded']).default('embedded'),
  WORKER_THREADS: int(1, 64).default(os.availableParallelism()),
  MAX_IMAGE_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  MAX_IMAGE_PIXELS: int(1024, 200_000_000).default(40_000_000),
  MAX_BATCH_SIZE: int(1, 256).default(16),
  BODY_LIMIT_BYTES: int(1024, 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  DETECTION_MAX_SIDE: int(128, 8192).default(1280),
  MAX_QUERY_DEPTH: int(2, 100).default(10),
  MAX_ALIASES: int(1, 1000).default(20),
  MAX_QUERY_COST: int(1, 1_000_000).default(5000),
  MAX_QUERY_TOKENS: int(100, 1_000_000).default(5000),
  INTROSPECTION: bool.optional(),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(15_000),
});

export type ProviderName = z.infer<typeof envSchema>['LANDMARK_PROVIDER'];

export interface Config {
  env: string;
  host: string;
  port: number;
  provider: ProviderName;
  workerThreads: number;
  limits: { maxImageBytes: number; maxImagePixels: number; maxBatchSize: number; bodyLimitBytes: number };
  detectionMaxSide: number;
  graphql: { maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number; introspection: boolean };
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once at start; a bad value stops the process with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    provider: e.LANDMARK_PROVIDER,
    workerThreads: e.WORKER_THREADS,
    limits: {
      maxImageBytes: e.MAX_IMAGE_BYTES,
      maxImagePixels: e.MAX_IMAGE_PIXELS,
      maxBatchSize: e.MAX_BATCH_SIZE,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
    },
    detectionMaxSide: e.DETECTION_MAX_SIDE,
    graphql: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxCost: e.MAX_QUERY_COST,
      maxTokens: e.MAX_QUERY_TOKENS,
      introspection: e.INTROSPECTION ?? true,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
