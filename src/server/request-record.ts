import type { ErrorCode } from '../errors';
import type { ImageRateLimiter } from '../access/image-rate-limiter';
import { metrics } from '../observability/metrics';
import type { GraphQLRequest } from '../graphql/context';

/**
 * What one HTTP request did, for its log line and the metrics: created before the body is read,
 * filled in by the work, read when the response has gone.
 */
export class RequestRecord implements GraphQLRequest {
  /** The GraphQL operation's name (or `mxface-landmark`), once known. */
  operation?: string;
  /** Images the request asked about, each counted against the client's rate limit. */
  images = 0;
  readonly userErrors: ErrorCode[] = [];

  constructor(
    /** The rate-limit identity: `key:` + a digest prefix, or `ip:` + the address. */
    readonly client: string,
    /** Aborts when the client goes away before its answer is complete. */
    readonly clientGone: AbortSignal,
    private readonly limiter: ImageRateLimiter,
  ) {}

  /** Counts one image; past the client's rate limit it throws the RATE_LIMITED user error. */
  admitImage(): Promise<void> {
    this.images++;
    return this.limiter.admit(this.client);
  }

  noteUserError(code: ErrorCode): void {
    this.userErrors.push(code);
    metrics.userErrors.inc({ code });
  }

  /** ok, user_errors (a payload carried some), or the HTTP class of a failed response. */
  outcome(status: number, aborted: boolean): string {
    if (aborted) return 'aborted';
    if (status >= 500) return 'failed';
    if (status >= 400) return 'rejected';
    return this.userErrors.length ? 'user_errors' : 'ok';
  }
}

/** The record `identifyClient` put on the response (express's `res.locals`), when it ran. */
export const recordOf = (res: { locals?: Record<string, unknown> }): RequestRecord | undefined => res.locals?.record as RequestRecord | undefined;
