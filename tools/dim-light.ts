// Pictures as a dim room or dusk footage makes them: every value scaled down, with sensor-like noise
// that grows as the light falls (a fixed sequence, so every run sees the same pixels). For the
// hard-faces bench and the tests of dim faces.
import sharp from 'sharp';

export interface DimPicture {
  /** RGB, row by row. */
  data: Uint8Array;
  width: number;
  height: number;
  /** Source pixels per pixel of this picture. */
  scale: number;
}

/**
 * The picture at most `maxSide` px (exactly, when `enlarge`), its values scaled by `level`, with noise of
 * sigma 6 x (1 - level). Enlarging makes a small picture's noise blotchy, as compressed dim footage's is.
 */
export async function darkened(bytes: Buffer, level: number, maxSide: number, enlarge = false): Promise<DimPicture> {
  const { data, info } = await sharp(bytes)
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: !enlarge })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let state = 12345;
  const noise = () => {
    // Sum of four uniforms, about normal, sigma about 1.15 of the scale.
    let s = 0;
    for (let k = 0; k < 4; k++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      s += state / 2 ** 31 - 0.5;
    }
    return s * 1.73;
  };
  const sigma = 6 * (1 - level);
  const pixels = Uint8Array.from(data, (v) => Math.min(255, Math.max(0, Math.round(v * level + (sigma > 0 ? sigma * noise() : 0)))));
  const scale = (await sharp(bytes).metadata()).width! / info.width;
  return { data: pixels, width: info.width, height: info.height, scale };
}

/** The picture as a PNG. */
export const dimPng = (picture: DimPicture): Promise<Buffer> =>
  sharp(picture.data, { raw: { width: picture.width, height: picture.height, channels: 3 } })
    .png()
    .toBuffer();
