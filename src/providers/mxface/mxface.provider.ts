import sharp from 'sharp';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { ProviderName, type MxfaceConfig } from '../../config';
import { UserFacingError, ErrorCode } from '../../errors';
import { scaleBox, scalePixelPoint } from '../../geometry/geometry';
import { mapFivePoints } from '../../geometry/landmarks';
import type { CheckedImage } from '../../image/image-decoder';
import { ImageFileFormat } from '../../image/image-format';
import { describeError, log } from '../../logger';
import { metrics } from '../../observability/metrics';
import { SERVICE_VERSION } from '../../version';
import type { DetectionSettings, FaceDetector, ProviderFace } from '../provider';
import {
  MXFACE_KEY_HEADER,
  MXFACE_LANDMARK_PATH,
  MXFACE_MAX_BODY_BYTES,
  parseMxfaceErrorMessage,
  parseMxfaceResponse,
  type MxfaceRequest,
} from './mxface-contract';
import { UpstreamError } from './upstream-error';

// Room for the JSON around the base64 inside the vendor's body limit.
const MAX_BASE64_CHARS = MXFACE_MAX_BODY_BYTES - 1024;
const MAX_UPSTREAM_MESSAGE = 200;

export interface MxfaceCallStats {
  attempts: number;
}

/**
 * The MXFace cloud as a provider: each image becomes one upstream call, made under a total timeout,
 * retried with exponential backoff and jitter (network errors, timeouts, 429, 5xx), through a circuit
 * breaker that fails fast while MXFace is down, within a limit on calls in flight, each attempt
 * under its own timeout. The subscription key goes in one header and nowhere else.
 */
export class MxfaceProvider implements FaceDetector {
  readonly name = ProviderName.MXFACE;
  readonly version: string;
  readonly maxBatchSize: number;
  readonly endpoint: string;
  /** Attempts made so far (for tests and the benchmark). */
  readonly stats: MxfaceCallStats = { attempts: 0 };
  private readonly policy: IPolicy;
  private readonly breakerState: () => string;

  constructor(private readonly config: MxfaceConfig) {
    this.endpoint = `${config.url}${config.apiPrefix}${MXFACE_LANDMARK_PATH}`;
    this.version = `mxface/${this.endpoint}/facemark@${SERVICE_VERSION}`;
    this.maxBatchSize = Math.max(16, config.concurrency * 4);
    const breaker = circuitBreaker(
      handleWhen((e) => (e instanceof UpstreamError ? e.countsAgainstHealth : e instanceof TaskCancelledError)),
      { halfOpenAfter: config.breakerCooldownMs, breaker: new ConsecutiveBreaker(config.breakerFailures) },
    );
    breaker.onBreak(() => {
      metrics.upstreamBreakerOpen.set(1);
      log.warn('mxface circuit opened', { endpoint: this.endpoint, cooldownMs: config.breakerCooldownMs });
    });
    breaker.onHalfOpen(() => metrics.upstreamBreakerOpen.set(1));
    breaker.onReset(() => {
      metrics.upstreamBreakerOpen.set(0);
      log.info('mxface circuit closed', { endpoint: this.endpoint });
    });
    this.breakerState = () => String(breaker.state);
    const retries = retry(
      handleWhen((e) => (e instanceof UpstreamError ? e.retryable : e instanceof TaskCancelledError)),
      { maxAttempts: config.maxAttempts - 1, backoff: new ExponentialBackoff({ initialDelay: config.retryBaseMs, maxDelay: 5_000 }) },
    );
    retries.onRetry(() => metrics.upstreamRetries.inc());
    this.policy = wrap(
      timeout(config.totalTimeoutMs, TimeoutStrategy.Aggressive),
      retries,
      breaker,
      bulkhead(config.concurrency, Number.MAX_SAFE_INTEGER),
      timeout(config.attemptTimeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  /** Nothing to load; the cloud is not probed at start (a probe would spend the customer's quota). */
  async start(): Promise<void> {}

  isReady(): boolean {
    return true;
  }

  /** Calls beyond MXFACE_CONCURRENCY wait for a slot; the upstream's own limits answer overload. */
  isBusy(): boolean {
    return false;
  }

  async close(): Promise<void> {}

  /** Circuit breaker state, for tests and operators. */
  get circuit(): string {
    return this.breakerState();
  }

  detect(images: readonly CheckedImage[], _settings: DetectionSettings): Promise<Array<ProviderFace[] | Error>> {
    return Promise.all(images.map((image) => this.detectOne(image).catch((error: unknown) => this.toDetectionError(error))));
  }

  private async detectOne(image: CheckedImage): Promise<ProviderFace[]> {
    const sent = await encodeForMxface(image);
    const body = JSON.stringify({ encoded_image: sent.base64 } satisfies MxfaceRequest);
    const answer = await this.policy.execute(({ signal }) => this.attempt(body, signal));
    // MXFace reports no detection score: every face it returns is a face to it.
    return answer.map((face) => ({
      box: scaleBox(face.box, sent.scale),
      confidence: 1,
      quality: face.quality,
      fivePoints: mapFivePoints(face.fivePoints, (p) => scalePixelPoint(p, sent.scale)),
    }));
  }

  private async attempt(body: string, signal: AbortSignal) {
    this.stats.attempts++;
    try {
      const faces = await this.call(body, signal);
      metrics.upstreamAttempts.inc({ outcome: 'ok' });
      return faces;
    } catch (error) {
      metrics.upstreamAttempts.inc({ outcome: error instanceof UpstreamError ? error.failure : signal.aborted ? 'timeout' : 'error' });
      throw error;
    }
  }

  private async call(body: string, signal: AbortSignal) {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [MXFACE_KEY_HEADER]: this.config.subscriptionKey },
        body,
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw error;
      throw new UpstreamError('unavailable', 'MXFace could not be reached or dropped the connection.');
    }
    const json = parseJson(text);
    if (!response.ok) throw UpstreamError.fromStatus(response.status, this.scrub(parseMxfaceErrorMessage(json)));
    if (json === undefined) throw new UpstreamError('protocol', 'MXFace answered with a body that is not JSON.');
    const parsed = parseMxfaceResponse(json);
    if (!parsed.ok) throw new UpstreamError('protocol', `MXFace answered outside its contract: ${parsed.reason}.`);
    return parsed.faces;
  }

  private toDetectionError(error: unknown): UserFacingError {
    if (error instanceof UpstreamError) return new UserFacingError(error.code, error.message);
    if (error instanceof BrokenCircuitError) {
      return new UserFacingError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `MXFace is failing; calls are paused for up to ${Math.round(this.config.breakerCooldownMs / 1000)} s.`,
      );
    }
    if (error instanceof TaskCancelledError) return new UserFacingError(ErrorCode.UPSTREAM_TIMEOUT, 'MXFace did not answer in time.');
    if (error instanceof BulkheadRejectedError) return new UserFacingError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Too many MXFace calls are queued; retry later.');
    if (error instanceof UserFacingError) return error;
    log.error('mxface call failed unexpectedly', { error: this.scrub(describeError(error)) });
    return new UserFacingError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The MXFace call failed.');
  }

  /** Upstream text shown to clients: bounded, and never carrying the key. */
  private scrub(text: string | undefined): string | undefined {
    return text?.split(this.config.subscriptionKey).join('***').slice(0, MAX_UPSTREAM_MESSAGE);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What MXFace can read: the upright (EXIF-applied) picture. An upright JPEG or PNG within the vendor's
 * body limit goes as it came (no decode, full resolution). Anything else is re-encoded from the
 * detection pixels: PNG keeps them exact; when that is too large, JPEG, then smaller JPEG.
 * `scale` maps the sent image's coordinates to the client's.
 */
async function encodeForMxface(image: CheckedImage): Promise<{ base64: string; scale: number }> {
  const { format, orientation } = image.info;
  if ((format === ImageFileFormat.JPEG || format === ImageFileFormat.PNG) && orientation === 1) {
    const original = image.bytes.toString('base64');
    if (original.length <= MAX_BASE64_CHARS) return { base64: original, scale: 1 };
  }
  const { data, width, height, scale } = await image.pixels();
  const raw = () => sharp(data, { raw: { width, height, channels: 3 } });
  const png = (await raw().png({ compressionLevel: 1 }).toBuffer()).toString('base64');
  if (png.length <= MAX_BASE64_CHARS) return { base64: png, scale };
  for (const quality of [92, 80, 60]) {
    const jpeg = (await raw().jpeg({ quality }).toBuffer()).toString('base64');
    if (jpeg.length <= MAX_BASE64_CHARS) return { base64: jpeg, scale };
  }
  throw new UserFacingError(ErrorCode.IMAGE_TOO_LARGE, "The image cannot be made small enough for MXFace's 10 MB request limit.");
}
