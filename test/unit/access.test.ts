import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiKeys, presentedKey } from '../../src/access/api-keys';
import { parseDigestFile } from '../../src/api-key-digests';
import { ImageRateLimiter } from '../../src/access/image-rate-limiter';
import { loadConfig } from '../../src/config';
import { ErrorCode, UserFacingError } from '../../src/errors';

const digest = (key: string) => createHash('sha256').update(key).digest('hex');

test('keys: plain and hashed keys are accepted, anything else is not; the identity never contains the key', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.txt');
  fs.writeFileSync(file, `# team A\n${digest('from-file-key')}\n\n`);
  const keys = ApiKeys.from(['plain-key'], file);
  expect(keys.open).toBe(false);
  const plain = keys.identify('plain-key');
  expect(plain).toMatch(/^key:[0-9a-f]{12}$/);
  expect(plain).not.toContain('plain-key');
  expect(keys.identify('from-file-key')).toMatch(/^key:/);
  expect(keys.identify('from-file-key')).not.toBe(plain);
  for (const wrong of ['plain-ke', 'plain-key ', '', undefined, digest('plain-key')]) expect(keys.identify(wrong)).toBeUndefined();
  expect(ApiKeys.from([]).open).toBe(true);
});

test('a key file with a line that is not a digest is a configuration problem naming the line', () => {
  expect(() => parseDigestFile(`${digest('a')}\nnot-a-digest\n`)).toThrow(/line 2/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.txt');
  fs.writeFileSync(file, 'plain-text-key\n');
  expect(() => loadConfig({ API_KEYS_FILE: file })).toThrow(/API_KEYS_FILE: .*line 1/);
  expect(() => loadConfig({ API_KEYS_FILE: '/nonexistent/keys' })).toThrow(/API_KEYS_FILE/);
});

test('a key is read from Authorization: Bearer or X-API-Key', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  expect(presentedKey(headers({ authorization: 'Bearer abc' }))).toBe('abc');
  expect(presentedKey(headers({ authorization: 'bearer   abc  ' }))).toBe('abc');
  expect(presentedKey(headers({ 'x-api-key': ' xyz ' }))).toBe('xyz');
  expect(presentedKey(headers({ authorization: 'Basic abc' }))).toBeUndefined();
  expect(presentedKey(headers({}))).toBeUndefined();
});

test('the rate limit counts images per client and says when to retry', async () => {
  const limiter = new ImageRateLimiter({ images: 3, windowSeconds: 60 });
  for (let i = 0; i < 3; i++) await limiter.admit('key:a');
  expect(await limiter.secondsUntilAllowed('key:a')).toBeGreaterThanOrEqual(59);
  expect(await limiter.secondsUntilAllowed('key:b')).toBe(0);
  const refusal = await limiter.admit('key:a').catch((error: unknown) => error);
  expect(refusal).toBeInstanceOf(UserFacingError);
  expect((refusal as UserFacingError).code).toBe(ErrorCode.RATE_LIMITED);
  expect((refusal as UserFacingError).message).toMatch(/retry in (59|60) s/);
  await expect(limiter.admit('key:b')).resolves.toBeUndefined();

  const off = new ImageRateLimiter({ images: 0, windowSeconds: 60 });
  for (let i = 0; i < 100; i++) await off.admit('key:a');
  expect(await off.secondsUntilAllowed('key:a')).toBe(0);
});
