// A small clip with what stage footage brings (hard cuts, two dim shots of one colour cut together, a
// camera flash, a fade, a pan, fast motion, turned faces), made with ffmpeg from the shared photos so
// that each shot's frames are known. Tests and the bench use it; nothing is stored.
import { renderPhotoShots } from './photo-shots';
import { sharedPath } from './shared-folder';

export const STAGE_CLIP = { width: 640, height: 360, fps: 25 };

export interface Shot {
  name: string;
  /** The shot's first and last frame (indices of the clip). */
  first: number;
  last: number;
}

/** Frame 20 of the first shot is a camera flash; frames 115-131 of the last fade to near black and back (darkest at 123). */
export const STAGE_FLASH_FRAME = 20;
export const STAGE_FADE = { first: 115, darkest: 123, last: 131 };

interface ShotRecipe extends Shot {
  photo: string[];
  /** ffmpeg filters from the photo to 640x360 frames; `n` is the shot's own frame number. */
  filters: string;
}

const DIM = 'colorchannelmixer=rr=0.28:gg=0.28:bb=0.34';
const RECIPES: ShotRecipe[] = [
  {
    name: 'group, panning, with a flash',
    first: 0,
    last: 37,
    photo: ['photos', 'bbt1.jpg'],
    filters: `scale=800:450,crop=640:360:'4*n':45,eq=brightness='if(eq(n,${STAGE_FLASH_FRAME}),0.45,0)':eval=frame`,
  },
  {
    name: 'dim turned face, close up, moving fast',
    first: 38,
    last: 62,
    photo: ['helen-dev', 'images', '1799534916_1.jpg'],
    // A three-quarter profile, swung about and moved 6 px a frame.
    filters: `scale=-2:700,pad=1000:900:(ow-iw)/2:(oh-ih)/2,rotate='0.3*sin(n/3)',crop=640:360:'120+6*n':'250+2*n',${DIM}`,
  },
  { name: 'dim group, the same colour', first: 63, last: 87, photo: ['photos', 'bbt4.jpg'], filters: `scale=720:-2,crop=640:360:'40+2*n':40,${DIM}` },
  {
    name: 'turned faces, with a fade',
    first: 88,
    last: 149,
    photo: ['photos', 'bbt2.jpg'],
    filters: `rotate=0.35:fillcolor=black,scale=700:-2,crop=640:360:'30-n':60,eq=brightness='-0.6*max(0,1-abs(n-${STAGE_FADE.darkest - 88})/8)':eval=frame`,
  },
];

export const STAGE_SHOTS: Shot[] = RECIPES.map(({ name, first, last }) => ({ name, first, last }));

/** Writes the clip (H.264 in MP4, 150 frames, 6 s) to `out` with the ffmpeg program at `ffmpegPath`. */
export function makeStageClip(ffmpegPath: string, out: string): void {
  renderPhotoShots(
    ffmpegPath,
    out,
    STAGE_CLIP.fps,
    RECIPES.map((r) => ({ photo: sharedPath('datasets', ...r.photo), frames: r.last - r.first + 1, filters: r.filters })),
  );
}

/** The shot a frame belongs to. */
export function shotOf(frame: number): Shot {
  const shot = STAGE_SHOTS.find((s) => frame >= s.first && frame <= s.last);
  if (!shot) throw new Error(`frame ${frame} is not in the stage clip`);
  return shot;
}
