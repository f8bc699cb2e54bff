import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ffmpeg from '@ffmpeg-installer/ffmpeg';

/** Every `step`-th frame of a clip as PNG bytes, in stream order (decoded by the ffmpeg npm package's binary). */
export async function framesOf(clip: string, step: number): Promise<Buffer[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-frames-'));
  try {
    await promisify(execFile)(ffmpeg.path, [
      '-loglevel',
      'error',
      '-i',
      clip,
      '-vf',
      `select=not(mod(n\\,${step}))`,
      '-vsync',
      '0',
      path.join(dir, '%05d.png'),
    ]);
    return fs
      .readdirSync(dir)
      .sort()
      .map((file) => fs.readFileSync(path.join(dir, file)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
