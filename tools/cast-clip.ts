// A clip of the same actors shot after shot: six shots cut from two cast photos (bbt4.jpg, bbt5.jpg),
// wide and close, panning, as an edit of two scenes filmed from several angles. Each actor's face is
// labelled by hand (its centre in the photo), so a test knows whom every track shows. Nothing is stored.
import { renderPhotoShots } from './photo-shots';
import { sharedPath } from './shared-folder';

export const CAST_CLIP = { width: 640, height: 360, fps: 25 };

/**
 * Who is where in each cast photo (the five bbt photos of ../shared/datasets/photos): the centre of
 * each actor's face, in the photo's pixels, placed by eye.
 */
export const CAST: Record<string, Record<string, { x: number; y: number }>> = {
  'bbt1.jpg': {
    Raj: { x: 260, y: 202 },
    Leonard: { x: 519, y: 227 },
    Sheldon: { x: 1053, y: 153 },
    Howard: { x: 777, y: 204 },
  },
  // The third face, blurred behind them, is not labelled: nobody could say who it is.
  'bbt2.jpg': {
    Leonard: { x: 134, y: 187 },
    Sheldon: { x: 420, y: 181 },
  },
  'bbt3.jpg': {
    Howard: { x: 178, y: 126 },
    Leonard: { x: 519, y: 139 },
    Raj: { x: 393, y: 147 },
    Sheldon: { x: 63, y: 68 },
    Penny: { x: 282, y: 134 },
  },
  'bbt4.jpg': {
    Sheldon: { x: 514, y: 246 },
    Raj: { x: 278, y: 107 },
    Leonard: { x: 103, y: 327 },
    Penny: { x: 300, y: 295 },
    Bernadette: { x: 615, y: 127 },
    Amy: { x: 122, y: 85 },
  },
  'bbt5.jpg': {
    Sheldon: { x: 484, y: 212 },
    Howard: { x: 763, y: 165 },
    Raj: { x: 147, y: 220 },
    Leonard: { x: 614, y: 107 },
    Penny: { x: 256, y: 93 },
  },
};

/** A pan: `at + perFrame * n` pixels in the shot's n-th frame. */
interface Pan {
  at: number;
  perFrame: number;
}

/** One shot of `frames` frames: the photo scaled to `width` and cut to the frame at (left, top), each a pan. */
export interface CastShot {
  frames: number;
  photo: string;
  width: number;
  left: Pan;
  top: Pan;
}

const shot = (frames: number, photo: string, width: number, left: [number, number], top: [number, number]): CastShot => ({
  frames,
  photo,
  width,
  left: { at: left[0], perFrame: left[1] },
  top: { at: top[0], perFrame: top[1] },
});

/**
 * Wide, wide, close on the left, close on the right, close on the right, wide: the two scenes
 * alternate. The first shot is longer so that the clip's middle (where two segments meet) is not a cut.
 */
export const CAST_SHOTS: CastShot[] = [
  shot(40, 'bbt4.jpg', 640, [0, 0], [20, 1]),
  shot(25, 'bbt5.jpg', 810, [80, 2], [20, 0]),
  shot(25, 'bbt4.jpg', 1000, [0, 1], [40, 0]),
  shot(25, 'bbt5.jpg', 1216, [560, -1], [80, 0]),
  shot(25, 'bbt4.jpg', 1000, [360, -1], [180, 1]),
  shot(25, 'bbt5.jpg', 810, [160, -2], [20, 0]),
];

const panAt = (pan: Pan, n: number) => pan.at + pan.perFrame * n;
/** The pan as an ffmpeg expression of the frame number n. */
const panExpr = (pan: Pan) => `${pan.at}${pan.perFrame < 0 ? '-' : '+'}${Math.abs(pan.perFrame)}*n`;

const IN_VIEW = 30;
const PHOTO_WIDTH: Record<string, number> = { 'bbt4.jpg': 710, 'bbt5.jpg': 940 };

/** The shot of a clip frame, its place in the clip, and the frame's number within it. */
export function castShotOf(frame: number, shots: readonly CastShot[] = CAST_SHOTS): { shot: CastShot; index: number; n: number } {
  let first = 0;
  for (const [index, shot] of shots.entries()) {
    if (frame < first + shot.frames) return { shot, index, n: frame - first };
    first += shot.frames;
  }
  throw new Error(`frame ${frame} is past the clip's ${first} frames`);
}

/**
 * The actor whose labelled face centre lies inside `box` (frame pixels) in clip frame `frame`;
 * undefined for none, and for a face the frame cuts in half (its centre within IN_VIEW px of the edge or past it).
 */
export function actorIn(
  frame: number,
  box: { x: number; y: number; width: number; height: number },
  shots: readonly CastShot[] = CAST_SHOTS,
): string | undefined {
  const { shot: s, n } = castShotOf(frame, shots);
  const scale = s.width / PHOTO_WIDTH[s.photo]!;
  const inside = Object.entries(CAST[s.photo]!).filter(([, p]) => {
    const x = p.x * scale - panAt(s.left, n);
    const y = p.y * scale - panAt(s.top, n);
    const seen = x >= IN_VIEW && x <= CAST_CLIP.width - IN_VIEW && y >= IN_VIEW && y <= CAST_CLIP.height - IN_VIEW;
    return seen && x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height;
  });
  return inside.length === 1 ? inside[0]![0] : undefined;
}

/** Writes the clip (H.264 in MP4) to `out` with the ffmpeg program at `ffmpegPath`. */
export function makeCastClip(ffmpegPath: string, out: string, shots: readonly CastShot[] = CAST_SHOTS): void {
  renderPhotoShots(
    ffmpegPath,
    out,
    CAST_CLIP.fps,
    shots.map((s) => ({
      photo: sharedPath('datasets', 'photos', s.photo),
      frames: s.frames,
      filters: `scale=${s.width}:-2,crop=${CAST_CLIP.width}:${CAST_CLIP.height}:'${panExpr(s.left)}':'${panExpr(s.top)}'`,
    })),
  );
}
