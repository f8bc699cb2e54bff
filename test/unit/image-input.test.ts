import { ErrorCode } from '../../src/errors';
import { readImageInput, type UploadedFile } from '../../src/image/image-input';
import { Readable } from 'node:stream';

const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xfb, 0xff]);
const b64 = bytes.toString('base64');
const LIMIT = 1024;
const READING = { maxBytes: LIMIT };

const codeOf = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};

test.each([
  ['plain base64', b64],
  ['a data URL', `data:image/jpeg;base64,${b64}`],
  ['a data URL with an upper-case scheme and parameters', `DATA:image/jpeg;name=x.jpg;BASE64,${b64}`],
  ['the URL-safe alphabet without padding', bytes.toString('base64url')],
  ['MIME line breaks', `${b64.slice(0, 8)}\r\n${b64.slice(8)}\n`],
])('reads %s', async (_name, base64) => {
  const image = await readImageInput({ base64 }, READING);
  expect(image.bytes.equals(bytes)).toBe(true);
  expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
});

test('identical bytes give identical keys whatever the encoding or source', async () => {
  const key = (await readImageInput({ base64: b64 }, READING)).sha256;
  expect((await readImageInput({ base64: `data:image/png;base64,${b64}` }, READING)).sha256).toBe(key);
  expect((await readImageInput({ upload: upload([bytes.subarray(0, 5), bytes.subarray(5)]) }, READING)).sha256).toBe(key);
  expect((await readImageInput({ url: 'https://example.com/a.jpg' }, { ...READING, fetchUrl: async () => bytes })).sha256).toBe(key);
});

/** An upload as the multipart parser hands it over; `truncated` as busboy marks a file cut at its limit. */
function upload(chunks: Buffer[], truncated = false): Promise<UploadedFile> {
  return Promise.resolve({ filename: 'photo.jpg', createReadStream: () => Object.assign(Readable.from(chunks), { truncated }) });
}

test('uploads: over the limit (counted or cut by the parser) and empty files are refused', async () => {
  expect(await codeOf(() => readImageInput({ upload: upload([Buffer.alloc(LIMIT), Buffer.alloc(1)]) }, READING))).toBe(ErrorCode.IMAGE_TOO_LARGE);
  expect(await codeOf(() => readImageInput({ upload: upload([Buffer.alloc(10)], true) }, READING))).toBe(ErrorCode.IMAGE_TOO_LARGE);
  expect(await codeOf(() => readImageInput({ upload: upload([]) }, READING))).toBe(ErrorCode.EMPTY_IMAGE);
  expect((await readImageInput({ upload: upload([Buffer.alloc(LIMIT)]) }, READING)).bytes).toHaveLength(LIMIT);
});

test('a URL without a fetcher (URL input disabled) is refused', async () => {
  expect(await codeOf(() => readImageInput({ url: 'https://example.com/a.jpg' }, READING))).toBe(ErrorCode.URL_NOT_ALLOWED);
});

test.each([
  ['characters outside the alphabet', 'ab$cd!==', ErrorCode.INVALID_BASE64],
  ['padding in the middle', 'ab=cdefg', ErrorCode.INVALID_BASE64],
  ['an impossible length', 'abcde', ErrorCode.INVALID_BASE64],
  ['a data URL that is not base64', 'data:image/png,%89PNG', ErrorCode.INVALID_BASE64],
  ['an empty string', '', ErrorCode.EMPTY_IMAGE],
  ['only whitespace', ' \n\t ', ErrorCode.EMPTY_IMAGE],
  ['an empty data URL', 'data:image/png;base64,', ErrorCode.EMPTY_IMAGE],
  ['a file over the byte limit', Buffer.alloc(LIMIT + 1).toString('base64'), ErrorCode.IMAGE_TOO_LARGE],
])('rejects %s', async (_name, base64, code) => {
  expect(await codeOf(() => readImageInput({ base64 }, READING))).toBe(code);
});

test('accepts a file exactly at the byte limit', async () => {
  expect((await readImageInput({ base64: Buffer.alloc(LIMIT, 7).toString('base64') }, READING)).bytes).toHaveLength(LIMIT);
});

test('rejects an oversized string before decoding it, saying how large it is', async () => {
  const huge = 'A'.repeat(50 * 1024 * 1024);
  const spy = jest.spyOn(Buffer, 'from');
  const failure = await readImageInput({ base64: huge }, READING).catch((error: Error) => error);
  expect(failure).toMatchObject({ code: ErrorCode.IMAGE_TOO_LARGE, message: `The image has about ${(huge.length * 3) / 4} bytes; the limit is ${LIMIT}.` });
  expect(spy).not.toHaveBeenCalled();
  spy.mockRestore();
});

test('needs exactly one source', async () => {
  expect(await codeOf(() => readImageInput({}, READING))).toBe(ErrorCode.INVALID_INPUT);
  expect(await codeOf(() => readImageInput({ base64: null }, READING))).toBe(ErrorCode.INVALID_INPUT);
  expect(await codeOf(() => readImageInput({ base64: b64, url: 'https://example.com/a.jpg' }, READING))).toBe(ErrorCode.INVALID_INPUT);
});

test('names the field at fault', async () => {
  try {
    await readImageInput({ base64: '$$$$' }, READING, ['images', '3']);
    throw new Error('expected a failure');
  } catch (error) {
    expect((error as { field: string[] }).field).toEqual(['images', '3', 'base64']);
  }
});
