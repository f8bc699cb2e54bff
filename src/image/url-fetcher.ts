// Images by URL, fetched by the service with an SSRF guard: http(s) only; every address a name
// resolves to is checked at connection time (the connection uses the checked addresses, so a DNS
// answer cannot change between check and use); redirects are followed by hand, each one checked
// again, at most URL_MAX_REDIRECTS; the whole fetch has a deadline and the body a byte cap. An image's
// body is read into memory; a video's is streamed to a file, never held whole.
import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { ErrorCode, UserFacingError } from '../errors';
import type { AddressPolicy } from './address-policy';
import { readCapped, writeCapped } from './read-capped';

export interface UrlFetchOptions {
  policy: AddressPolicy;
  timeoutMs: number;
  maxRedirects: number;
  maxBytes: number;
  /** What is fetched, for the messages and the too-large error: an image (IMAGE_TOO_LARGE) unless said otherwise. */
  kind?: { what: 'image' | 'video'; tooLarge: ErrorCode };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A refused address, raised from inside the connection's DNS lookup. */
class AddressRefused extends Error {}

export class UrlFetcher {
  private readonly agent: Agent;

  private readonly kind: { what: 'image' | 'video'; tooLarge: ErrorCode };

  constructor(private readonly options: UrlFetchOptions) {
    this.kind = options.kind ?? { what: 'image', tooLarge: ErrorCode.IMAGE_TOO_LARGE };
    this.agent = new Agent({ connect: { lookup: this.guardedLookup } });
  }

  /** The body at `url`, following checked redirects, in memory. */
  async fetch(url: string, field: string[]): Promise<Buffer> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const body = await this.open(url, field, deadline);
    const bytes = await readCapped(body, this.options.maxBytes).catch((error: unknown) => {
      throw this.failure(error, deadline, field);
    });
    if (!bytes) throw this.overCap(field);
    return bytes;
  }

  /**
   * The body at `url` written to `file` as it arrives, so that memory holds a chunk or two, never the
   * body; past the byte cap the transfer stops with the too-large error (the caller removes the file).
   */
  async saveTo(url: string, file: string, field: string[]): Promise<void> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const body = await this.open(url, field, deadline);
    const within = await writeCapped(body, file, this.options.maxBytes).catch((error: unknown) => {
      throw this.failure(error, deadline, field);
    });
    if (!within) throw this.overCap(field);
  }

  /** The response body at `url` after checked redirects; a declared length over the cap is refused before reading. */
  private async open(url: string, field: string[], deadline: AbortSignal): Promise<Dispatcher.ResponseData['body']> {
    const { what } = this.kind;
    let target = this.parse(url, field);
    for (let redirects = 0; ; redirects++) {
      this.checkTarget(target, field);
      const response = await request(target, { dispatcher: this.agent, method: 'GET', signal: deadline, headers: { accept: `${what}/*` } }).catch(
        (error: unknown) => {
          throw this.failure(error, deadline, field);
        },
      );
      if (REDIRECTS.has(response.statusCode)) {
        await response.body.dump();
        const location = response.headers.location;
        if (typeof location !== 'string')
          throw new UserFacingError(ErrorCode.URL_FETCH_FAILED, `The server redirected (HTTP ${response.statusCode}) without a Location.`, field);
        if (redirects >= this.options.maxRedirects)
          throw new UserFacingError(ErrorCode.URL_FETCH_FAILED, `More than ${this.options.maxRedirects} redirects.`, field);
        target = this.parse(new URL(location, target).toString(), field);
        continue;
      }
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new UserFacingError(ErrorCode.URL_FETCH_FAILED, `The ${what} URL answered HTTP ${response.statusCode}.`, field);
      }
      const declared = Number(response.headers['content-length'] ?? NaN);
      if (declared > this.options.maxBytes) {
        response.body.destroy();
        throw new UserFacingError(this.kind.tooLarge, `The ${what} at the URL has ${declared} bytes; the limit is ${this.options.maxBytes}.`, field);
      }
      return response.body;
    }
  }

  private overCap(field: string[]): UserFacingError {
    return new UserFacingError(this.kind.tooLarge, `The ${this.kind.what} at the URL is larger than the limit of ${this.options.maxBytes} bytes.`, field);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private parse(url: string, field: string[]): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UserFacingError(ErrorCode.URL_NOT_ALLOWED, `The ${this.kind.what} URL is not a valid absolute URL.`, field);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UserFacingError(ErrorCode.URL_NOT_ALLOWED, `Only http and https ${this.kind.what} URLs are fetched (got ${parsed.protocol}).`, field);
    }
    if (parsed.username || parsed.password)
      throw new UserFacingError(ErrorCode.URL_NOT_ALLOWED, `${capitalised(this.kind.what)} URLs with credentials are not fetched.`, field);
    return parsed;
  }

  /** Address literals are checked here: a connection to one does no lookup. */
  private checkTarget(target: URL, field: string[]): void {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (this.options.policy.allowsHost(host)) return;
    if (net.isIP(host) === 0) return; // a name: checked in guardedLookup
    const refusal = this.options.policy.refusal(host);
    if (refusal) throw new UserFacingError(ErrorCode.URL_NOT_ALLOWED, `The ${this.kind.what} URL points to a non-public address (${refusal}).`, field);
  }

  private readonly guardedLookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const refusals = this.options.policy.allowsHost(hostname) ? [] : addresses.flatMap((a) => this.options.policy.refusal(a.address) ?? []);
      if (refusals.length) return callback(new AddressRefused(`${hostname} resolves to a non-public address (${refusals.join(', ')})`), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(new Error(`${hostname} has no address`), '', 4);
      callback(null, first.address, first.family);
    });
  };

  private failure(error: unknown, deadline: AbortSignal, field: string[]): UserFacingError {
    const { what } = this.kind;
    if (deadline.aborted) return new UserFacingError(ErrorCode.URL_TIMEOUT, `The ${what} URL did not answer within ${this.options.timeoutMs} ms.`, field);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    if (cause instanceof AddressRefused || error instanceof AddressRefused) {
      return new UserFacingError(ErrorCode.URL_NOT_ALLOWED, `The ${what} URL points to a non-public address: ${(cause as Error).message}.`, field);
    }
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    return new UserFacingError(ErrorCode.URL_FETCH_FAILED, `The ${what} URL could not be fetched${code ? ` (${code})` : ''}.`, field);
  }
}

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
