import type { ErrorCode } from '../errors';

/**
 * What detection needs of the request it serves, whatever carries it (the HTTP layer's
 * RequestRecord): each image counted against the client's allowance, each user error noted, and
 * the signal of a client that has gone.
 */
export interface DetectionRequest {
  /** Counts one image; past the client's rate limit it throws the RATE_LIMITED user error. */
  admitImage(): Promise<void>;
  noteUserError(code: ErrorCode): void;
  /** Aborts when the client goes away before its answer is complete. */
  readonly clientGone: AbortSignal;
}
