// API keys: held as sha256 digests (from API_KEYS in plain, or API_KEYS_FILE as digests), and a
// presented key is hashed and compared with every digest in constant time, so neither the answer's
// timing nor a log line tells anything about a key.
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { parseDigestFile } from '../api-key-digests';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class ApiKeys {
  private constructor(private readonly digests: readonly Buffer[]) {}

  /** Plain keys, plus a file of hex sha256 digests (one per line; `#` comments and blank lines skipped). */
  static from(plain: readonly string[], file?: string): ApiKeys {
    const fromFile = file ? parseDigestFile(fs.readFileSync(file, 'utf8')) : [];
    return new ApiKeys([...plain.map(sha256), ...fromFile]);
  }

  /** True when no key is configured: the service is open. */
  get open(): boolean {
    return this.digests.length === 0;
  }

  /**
   * Who is calling, for every endpoint (HTTP and WebSocket alike): while no keys are configured, the
   * caller's address (`ip:`...); otherwise the presented key's identity, undefined for none or a wrong one.
   */
  client(presented: string | undefined, address: string | undefined): string | undefined {
    return this.open ? `ip:${address ?? 'unknown'}` : this.identify(presented);
  }

  /**
   * The presented key's identity for rate limits and logs (`key:` + 12 hex of its digest; never the
   * key), or undefined when it matches no configured key.
   */
  identify(presented: string | undefined): string | undefined {
    if (!presented) return undefined;
    const digest = sha256(presented);
    let match = false;
    for (const known of this.digests) match = timingSafeEqual(digest, known) || match;
    return match ? `key:${digest.toString('hex').slice(0, 12)}` : undefined;
  }
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '')?.[1];
  return bearer ?? (header('x-api-key')?.trim() || undefined);
}
