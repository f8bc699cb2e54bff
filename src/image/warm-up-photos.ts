// A real photo with faces to warm a fresh service up with, before it calls itself ready: face-api's
// demo photo (three faces), which its npm package ships, so that no file is fetched or committed.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

// Several widths, so that decoding, the letterbox and the crops see more than one image and face size.
const WARM_UP_WIDTHS = [640, 1280, 960, 480];

let photos: Promise<Buffer[]> | undefined;

/**
 * The photo as a JPEG at each warm-up width; none if the package no longer ships it. Made once for
 * the engine's warm-up and the server's (185-257 ms each time, measured alone), then kept: 337 kB.
 */
export function warmUpPhotos(): Promise<Buffer[]> {
  photos ??= encodedAtEachWidth();
  return photos;
}

async function encodedAtEachWidth(): Promise<Buffer[]> {
  const file = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');
  if (!fs.existsSync(file)) return [];
  return Promise.all(WARM_UP_WIDTHS.map((width) => sharp(file).resize(width).jpeg({ quality: 90 }).toBuffer()));
}
