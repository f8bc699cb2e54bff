// The service's reader of the decoder's records: bytes built here by hand (not by the module's own
// header writer), fed in every way a pipe may split them, and hostile records refused.
import { PassThrough } from 'node:stream';
import { DECODER_HEADER_BYTES, MAX_END_BYTES, readRecords, recordHeader, RecordKind, RECORDS_AHEAD } from '../../src/video/decoder-protocol';

/** kind u32, length u32, time f64, position f64, index u32, spare u32 (little-endian), then the payload. */
function record(kind: number, payload: Buffer, time = 0, position = -1, index = 0, length = payload.length): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(kind, 0);
  header.writeUInt32LE(length, 4);
  header.writeDoubleLE(time, 8);
  header.writeDoubleLE(position, 16);
  header.writeUInt32LE(index, 24);
  return Buffer.concat([header, payload]);
}

const FRAME = 12; // a 2x2 RGB frame
const frame = (fill: number) => Buffer.alloc(FRAME, fill);
const end = (summary: object) => Buffer.from(JSON.stringify(summary));

async function readAll(chunks: Buffer[], frameBytes = FRAME) {
  const stream = new PassThrough();
  const reader = readRecords(stream, frameBytes);
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  const records = [];
  for (let r = await reader.next(); r; r = await reader.next()) records.push(r);
  return records;
}

const STREAM = Buffer.concat([record(1, frame(7), 1.5, 4096, 0), record(1, frame(9), 1.625, 8192, 3), record(2, end({ framesDecoded: 2 }))]);

test('frames and the end record, with their times, positions and indices', async () => {
  const records = await readAll([STREAM]);
  expect(records.map((r) => [r.kind, r.time, r.position, r.index, [...r.payload]])).toEqual([
    [RecordKind.Frame, 1.5, 4096, 0, [...frame(7)]],
    [RecordKind.Frame, 1.625, 8192, 3, [...frame(9)]],
    [RecordKind.End, 0, -1, 0, [...end({ framesDecoded: 2 })]],
  ]);
});

test('split at every byte, and byte by byte, the records are the same', async () => {
  const whole = (await readAll([STREAM])).map((r) => [r.kind, r.time, r.index, r.payload.toString('hex')]);
  for (let cut = 1; cut < STREAM.length; cut++) {
    const split = (await readAll([STREAM.subarray(0, cut), STREAM.subarray(cut)])).map((r) => [r.kind, r.time, r.index, r.payload.toString('hex')]);
    expect(split).toEqual(whole);
  }
  const bytes = Array.from(STREAM, (b) => Buffer.from([b]));
  expect((await readAll(bytes)).map((r) => [r.kind, r.time, r.index, r.payload.toString('hex')])).toEqual(whole);
});

test("a frame's bytes are shared memory (engine workers read them in place); the end record's are not", async () => {
  const [first, , last] = await readAll([STREAM]);
  expect(first!.payload.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(last!.payload.buffer).not.toBeInstanceOf(SharedArrayBuffer);
});

test('a record cut off by the end of the stream is not delivered', async () => {
  const records = await readAll([STREAM.subarray(0, 32 + FRAME + 20)]);
  expect(records.map((r) => r.index)).toEqual([0]);
  expect(await readAll([STREAM.subarray(0, 10)])).toEqual([]);
});

test.each([
  ['a frame of another size than the clip', record(1, Buffer.alloc(FRAME + 3))],
  ['a frame shorter than the clip', record(1, Buffer.alloc(FRAME - 1))],
  ['an end record of more than MAX_END_BYTES', record(2, Buffer.alloc(0), 0, -1, 0, MAX_END_BYTES + 1)],
  ['a kind the protocol does not have', record(3, frame(1))],
  ['kind 0', record(0, frame(1))],
])('%s fails the reader, after the good records before it', async (_, bad) => {
  const stream = new PassThrough();
  const reader = readRecords(stream, FRAME);
  stream.write(Buffer.concat([record(1, frame(5), 0, -1, 0), bad, record(1, frame(6), 0, -1, 1)]));
  const first = await reader.next();
  expect(first!.index).toBe(0);
  await expect(reader.next()).rejects.toThrow(/the decoder sent a record of kind \d+ with \d+ bytes \(frames have 12\)/);
});

test('an end record of exactly MAX_END_BYTES is read', async () => {
  const payload = Buffer.alloc(MAX_END_BYTES, 0x20);
  const [only] = await readAll([record(2, payload)]);
  expect(only!.payload.length).toBe(MAX_END_BYTES);
});

test(`at most ${RECORDS_AHEAD} records wait for the reader: then the pipe is paused until one is taken`, async () => {
  const stream = new PassThrough();
  const reader = readRecords(stream, FRAME);
  stream.write(Buffer.concat([0, 1, 2, 3].map((k) => record(1, frame(k), 0, -1, k))));
  await new Promise((resolve) => setImmediate(resolve));
  expect(stream.isPaused()).toBe(true);
  expect((await reader.next())!.index).toBe(0);
  expect((await reader.next())!.index).toBe(1);
  // Two still wait: paused until one more is taken.
  expect(stream.isPaused()).toBe(true);
  expect((await reader.next())!.index).toBe(2);
  expect(stream.isPaused()).toBe(false);
});

test("the module's header writer lays out the fields as the reader expects them", () => {
  expect(recordHeader(RecordKind.Frame, FRAME, 1.5, 4096, 7)).toEqual(record(1, Buffer.alloc(0), 1.5, 4096, 7, FRAME));
  expect(recordHeader(RecordKind.End, 20)).toEqual(record(2, Buffer.alloc(0), 0, -1, 0, 20));
  expect(DECODER_HEADER_BYTES).toBe(32);
});
