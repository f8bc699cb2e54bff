import type { MxfaceConfig } from '../../src/config';

export const TEST_KEY = 'sk-test-0123456789abcdef';

/** A provider configuration with short timers, so fault tests run in seconds. */
export function mxfaceConfig(url: string, patch: Partial<MxfaceConfig> = {}): MxfaceConfig {
  return {
    url,
    apiPrefix: '/api',
    subscriptionKey: TEST_KEY,
    attemptTimeoutMs: 5_000,
    totalTimeoutMs: 20_000,
    maxAttempts: 3,
    retryBaseMs: 10,
    concurrency: 4,
    breakerFailures: 5,
    breakerCooldownMs: 10_000,
    ...patch,
  };
}
