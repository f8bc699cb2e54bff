import { ErrorCode } from '../../src/errors';
import { readImageInput } from '../../src/image/image-input';

const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xfb, 0xff]);
const b64 = bytes.toString('base64');
const LIMIT = 1024;

const codeOf = (fn: () => unknown) => {
  try {
    fn();
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
])('reads %s', (_name, base64) => {
  const image = readImageInput({ base64 }, LIMIT);
  expect(image.bytes.equals(bytes)).toBe(true);
  expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
});

test('identical bytes give identical keys whatever the encoding', () => {
  expect(readImageInput({ base64: b64 }, LIMIT).sha256).toBe(readImageInput({ base64: `data:image/png;base64,${b64}` }, LIMIT).sha256);
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
])('rejects %s', (_name, base64, code) => {
  expect(codeOf(() => readImageInput({ base64 }, LIMIT))).toBe(code);
});

test('accepts a file exactly at the byte limit', () => {
  expect(readImageInput({ base64: Buffer.alloc(LIMIT, 7).toString('base64') }, LIMIT).bytes).toHaveLength(LIMIT);
});

test('rejects an oversized string before decoding it', () => {
  const huge = 'A'.repeat(50 * 1024 * 1024);
  const spy = jest.spyOn(Buffer, 'from');
  expect(codeOf(() => readImageInput({ base64: huge }, LIMIT))).toBe(ErrorCode.IMAGE_TOO_LARGE);
  expect(spy).not.toHaveBeenCalled();
  spy.mockRestore();
});

test('needs exactly one source', () => {
  expect(codeOf(() => readImageInput({}, LIMIT))).toBe(ErrorCode.INVALID_INPUT);
  expect(codeOf(() => readImageInput({ base64: null }, LIMIT))).toBe(ErrorCode.INVALID_INPUT);
});

test('names the field at fault', () => {
  try {
    readImageInput({ base64: '$$$$' }, LIMIT, ['images', '3']);
    throw new Error('expected a failure');
  } catch (error) {
    expect((error as { field: string[] }).field).toEqual(['images', '3', 'base64']);
  }
});
