import { ErrorCode } from '../../errors';

export type UpstreamFailure = 'auth' | 'rejected' | 'rate_limited' | 'unavailable' | 'timeout' | 'protocol';

const CODES: Record<UpstreamFailure, ErrorCode> = {
  auth: ErrorCode.UPSTREAM_AUTH_FAILED,
  rejected: ErrorCode.UPSTREAM_REJECTED_IMAGE,
  rate_limited: ErrorCode.UPSTREAM_RATE_LIMITED,
  unavailable: ErrorCode.UPSTREAM_UNAVAILABLE,
  timeout: ErrorCode.UPSTREAM_TIMEOUT,
  protocol: ErrorCode.UPSTREAM_PROTOCOL_ERROR,
};

/** One failed attempt at the upstream, classified as a careful client must. */
export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  get code(): ErrorCode {
    return CODES[this.failure];
  }

  /** Network errors, timeouts, 429 and 5xx may pass; a 4xx will not. */
  get retryable(): boolean {
    return this.failure === 'unavailable' || this.failure === 'timeout' || this.failure === 'rate_limited';
  }

  /** Failures that say the upstream is down (not that this request was wrong or too frequent). */
  get countsAgainstHealth(): boolean {
    return this.failure === 'unavailable' || this.failure === 'timeout';
  }

  static fromStatus(status: number, upstreamMessage: string | undefined): UpstreamError {
    const said = upstreamMessage ? `: ${upstreamMessage}` : '';
    if (status === 401 || status === 403) return new UpstreamError('auth', `MXFace refused the service's subscription (HTTP ${status})${said}`, status);
    if (status === 429) return new UpstreamError('rate_limited', 'MXFace is rate limiting this service (HTTP 429); retry later.', status);
    if (status === 408) return new UpstreamError('timeout', 'MXFace timed out reading the request (HTTP 408).', status);
    if (status >= 500) return new UpstreamError('unavailable', `MXFace failed (HTTP ${status}); retry later.`, status);
    if (status === 400 || status === 413 || status === 415 || status === 422)
      return new UpstreamError('rejected', `MXFace rejected the image (HTTP ${status})${said}`, status);
    return new UpstreamError('protocol', `MXFace answered with an unexpected HTTP ${status}.`, status);
  }
}
