/**
 * A stream's bytes, or undefined as soon as there are more than `maxBytes` (iteration stops there,
 * which closes the stream: an endless or huge body is never read to its end).
 */
export async function readCapped(stream: AsyncIterable<Buffer | Uint8Array | string>, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += bytes.length;
    if (size > maxBytes) return undefined;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}
