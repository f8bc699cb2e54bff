// The small-face pass (#29). A detector sees a picture shrunk to its input (BlazeFace: 256 px), so on
// a large picture a face under about SMALLEST_SEEN input pixels is too small for it: a 40 px face in
// a 1920 px frame is 5. Where that hides faces the client wants (DetectionOptions.minFaceSize), the
// picture is also cut into overlapping square tiles that the detector sees closer up, and what they
// find joins the first pass's candidates, which the mesh then judges like any other.
import { intersectionArea, type Box } from '../../../geometry/geometry';
import { nonMaxSuppression } from './blazeface';
import type { PixelImage } from '../engine-protocol';
import type { FaceCandidate } from './face-finders';

/** The narrowest face, in detector-input pixels, that a detector's first pass is counted on to see. */
export const SMALLEST_SEEN = 6;
/** At most this many tiles a picture: past it the tiles grow, and with them the smallest face they find. */
export const MAX_TILES = 8;
/** Tiles overlap by this share of their side: a face cut by one tile's edge is whole in the next. */
export const TILE_OVERLAP = 0.2;
// Two candidates from neighbouring tiles overlapping by more than this IoU are one face.
const SAME_FACE = 0.3;

/**
 * The tiles (image pixels) that bring faces of `minFaceSize` px to SMALLEST_SEEN detector-input
 * pixels, at most MAX_TILES of them; none where they would not show the picture at least twice as
 * close as the first pass does (it sees faces of about that size itself: the picture is small, or
 * the faces asked for are large).
 */
export function smallFaceTiles(width: number, height: number, detectorSide: number, minFaceSize: number): Box[] {
  const longer = Math.max(width, height);
  if (!(minFaceSize > 0)) return [];
  for (let side = Math.ceil((detectorSide * minFaceSize) / SMALLEST_SEEN); 2 * side <= longer; side = Math.ceil(side * 1.1)) {
    const xs = tileStarts(width, side);
    const ys = tileStarts(height, side);
    if (xs.length * ys.length > MAX_TILES) continue;
    return ys.flatMap((y) => xs.map((x) => ({ x, y, width: Math.min(side, width), height: Math.min(side, height) })));
  }
  return [];
}

/** Where tiles of `side` start along an axis of `length`: evenly spread, each overlapping the next by at least TILE_OVERLAP of a side. */
function tileStarts(length: number, side: number): number[] {
  if (side >= length) return [0];
  const overlap = side * TILE_OVERLAP;
  const count = Math.ceil((length - overlap) / (side - overlap));
  const step = (length - side) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

/**
 * The tiles' candidates (in image pixels) that are new: whole inside their tile (a face cut by a tile's
 * inner edge is whole in its neighbour, which the overlap guarantees up to its size), no wider than the
 * overlap, not on a face the first pass saw (a tile can take an eye of a large face for a small face:
 * any candidate mostly inside a first-pass box goes), and once each (the best of overlapping ones).
 */
export function newSmallFaces(
  tiles: ReadonlyArray<{ tile: Box; candidates: readonly FaceCandidate[] }>,
  seen: readonly Box[],
  width: number,
  height: number,
): FaceCandidate[] {
  const found = tiles.flatMap(({ tile, candidates }) =>
    candidates.filter(({ box }) => box.width <= tile.width * TILE_OVERLAP && insideTile(box, tile, width, height) && seen.every((s) => !mostlyInside(box, s))),
  );
  return nonMaxSuppression(found, SAME_FACE);
}

/** Inside the tile, not touching an edge of it that lies inside the picture. */
function insideTile(box: Box, tile: Box, width: number, height: number): boolean {
  const left = tile.x === 0 || box.x > tile.x;
  const top = tile.y === 0 || box.y > tile.y;
  const right = tile.x + tile.width >= width || box.x + box.width < tile.x + tile.width;
  const bottom = tile.y + tile.height >= height || box.y + box.height < tile.y + tile.height;
  return left && top && right && bottom;
}

/** Half or more of `box` lies inside `other`. */
const mostlyInside = (box: Box, other: Box) => intersectionArea(box, other) >= 0.5 * box.width * box.height;

/** The tile's pixels, a picture of their own (its rows copied out). */
export function tileImage(image: PixelImage, tile: Box): PixelImage {
  const data = new Uint8Array(tile.width * tile.height * 3);
  for (let y = 0; y < tile.height; y++) {
    const from = ((tile.y + y) * image.width + tile.x) * 3;
    data.set(image.data.subarray(from, from + tile.width * 3), y * tile.width * 3);
  }
  return { data, width: tile.width, height: tile.height };
}

/** A tile's candidate in the picture's pixels. */
export function fromTile({ box, leftEye, rightEye, score }: FaceCandidate, tile: Box): FaceCandidate {
  const shift = <P extends { x: number; y: number }>(p: P): P => ({ ...p, x: p.x + tile.x, y: p.y + tile.y });
  return { box: shift(box), leftEye: shift(leftEye), rightEye: shift(rightEye), score };
}
