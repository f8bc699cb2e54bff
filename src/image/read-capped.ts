import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/**
 * A stream's bytes, or undefined when there are more than `maxBytes`. By default iteration stops
 * there, which closes the stream: an endless or huge body is never read to its end. With `drain`, the
 * rest is read and dropped instead, for a stream that must be consumed for what follows it to arrive
 * (a file in a multipart request, before the next file).
 */
export async function readCapped(
  stream: AsyncIterable<Buffer | Uint8Array | string>,
  maxBytes: number,
  { drain = false }: { drain?: boolean } = {},
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += bytes.length;
    if (size <= maxBytes) chunks.push(bytes);
    else if (!drain) return undefined;
  }
  return size <= maxBytes ? Buffer.concat(chunks, size) : undefined;
}

/**
 * readCapped's twin for bodies too large to hold: the stream's bytes written to `file` as they come
 * (memory holds a chunk), false when there are more than `maxBytes`, with the same `drain` choice.
 * What was written stays; the caller removes the file.
 */
export async function writeCapped(
  stream: AsyncIterable<Buffer | Uint8Array | string>,
  file: string,
  maxBytes: number,
  { drain = false }: { drain?: boolean } = {},
): Promise<boolean> {
  const out = fs.createWriteStream(file);
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += bytes.length;
      if (size <= maxBytes) {
        if (!out.write(bytes)) await once(out, 'drain');
      } else if (!drain) return false;
    }
    return size <= maxBytes;
  } finally {
    out.end();
    await finished(out);
  }
}
