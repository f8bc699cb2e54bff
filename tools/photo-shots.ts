// Clips made of still photos: each shot one photo through its own ffmpeg filters (scale, crop, pans,
// light), cut together and encoded as H.264 in MP4, so that tests know what every frame shows.
import { execFileSync } from 'node:child_process';

export interface PhotoShot {
  /** The photo's path. */
  photo: string;
  frames: number;
  /** ffmpeg filters from the photo to the clip's frames; `n` is the shot's own frame number. */
  filters: string;
}

/** Writes the shots, cut together in order, to `out` at `fps` with the ffmpeg program at `ffmpegPath`. */
export function renderPhotoShots(ffmpegPath: string, out: string, fps: number, shots: readonly PhotoShot[]): void {
  const inputs = shots.flatMap((s) => ['-loop', '1', '-framerate', String(fps), '-t', String(s.frames / fps), '-i', s.photo]);
  const filters = shots.map((s, k) => `[${k}:v]${s.filters},setsar=1,format=yuv420p[s${k}]`);
  const graph = [...filters, `${shots.map((_, k) => `[s${k}]`).join('')}concat=n=${shots.length}:v=1:a=0[v]`].join(';');
  execFileSync(ffmpegPath, [
    '-v',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    out,
  ]);
}
