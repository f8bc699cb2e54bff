import { fromTile, MAX_TILES, newSmallFaces, smallFaceTiles, SMALLEST_SEEN, tileImage, TILE_OVERLAP } from '../../src/providers/embedded/mediapipe/small-faces';
import type { Box } from '../../src/geometry/geometry';

const inside = (b: Box, t: Box) => b.x >= t.x && b.y >= t.y && b.x + b.width <= t.x + t.width && b.y + b.height <= t.y + t.height;
const candidate = (box: Box, score = 0.9) => ({
  box,
  leftEye: { x: box.x + box.width * 0.3, y: box.y },
  rightEye: { x: box.x + box.width * 0.7, y: box.y },
  score,
});

describe('smallFaceTiles', () => {
  test('a 1280 x 720 frame, faces from 13.3 px: 6 tiles of 569 px (13.3 px shown at 6 of the 256 detector pixels)', () => {
    const tiles = smallFaceTiles(1280, 720, 256, 40 / 3);
    expect(SMALLEST_SEEN).toBe(6);
    expect(tiles).toHaveLength(6);
    for (const t of tiles) expect(t).toMatchObject({ width: 569, height: 569 });
    expect(tiles.map((t) => t.x)).toEqual([0, 356, 711, 0, 356, 711]);
    expect(tiles.map((t) => t.y)).toEqual([0, 0, 0, 151, 151, 151]);
  });

  test.each([
    [1280, 720, 40 / 3],
    [1920, 1080, 20],
    [1080, 1920, 9],
    [8000, 6000, 20],
    [3000, 400, 12],
  ])('%p x %p, faces from %p px: every face up to the overlap lies whole in a tile, whatever its place; at most MAX_TILES', (width, height, minFaceSize) => {
    const tiles = smallFaceTiles(width, height, 256, minFaceSize);
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.length).toBeLessThanOrEqual(MAX_TILES);
    const side = tiles[0]!.width;
    for (const t of tiles) expect(inside(t, { x: 0, y: 0, width, height })).toBe(true);
    // Tiles show the picture at least twice as close as the first pass, faces of minFaceSize at SMALLEST_SEEN input pixels or more where the count allows.
    expect(2 * Math.max(side, tiles[0]!.height)).toBeLessThanOrEqual(Math.max(width, height));
    const face = Math.floor(side * TILE_OVERLAP);
    const step = Math.max(1, Math.floor(face / 3));
    for (let y = 0; y + face <= height; y += step) {
      for (let x = 0; x + face <= width; x += step) {
        const box = { x, y, width: face, height: face };
        if (!tiles.some((t) => inside(box, t))) throw new Error(`a ${face} px face at (${x}, ${y}) is whole in no tile`);
      }
    }
  });

  test('none where the first pass sees the faces asked for: a small picture, large faces, no size', () => {
    expect(smallFaceTiles(640, 480, 256, 20)).toEqual([]);
    // 1280 px: tiles of 640 would show it only twice as close as the first pass: still worth it; 700 would not.
    expect(smallFaceTiles(1280, 720, 256, 15)).toHaveLength(6);
    expect(smallFaceTiles(1280, 720, 256, 17)).toEqual([]);
    expect(smallFaceTiles(4000, 3000, 256, 1000)).toEqual([]);
    expect(smallFaceTiles(4000, 3000, 256, 0)).toEqual([]);
    expect(smallFaceTiles(4000, 3000, 256, Number.NaN)).toEqual([]);
  });

  test('exactly MAX_TILES is allowed; a tile as tall as the picture starts at its top', () => {
    const eight = smallFaceTiles(2600, 1080, 256, 20);
    expect(eight).toHaveLength(MAX_TILES);
    expect(eight[0]!.width).toBe(Math.ceil((256 * 20) / SMALLEST_SEEN));
    const row = smallFaceTiles(1400, 512, 256, 12);
    expect(row.map((t) => [t.x, t.y, t.height])).toEqual([
      [0, 0, 512],
      [296, 0, 512],
      [592, 0, 512],
      [888, 0, 512],
    ]);
  });

  test('a picture needing more than MAX_TILES gets larger tiles instead', () => {
    const tiles = smallFaceTiles(8000, 6000, 256, 20);
    expect(tiles.length).toBeLessThanOrEqual(MAX_TILES);
    expect(tiles[0]!.width).toBeGreaterThan(Math.ceil((256 * 20) / SMALLEST_SEEN));
  });
});

describe('newSmallFaces', () => {
  const tiles = [
    { x: 0, y: 0, width: 500, height: 500 },
    { x: 400, y: 0, width: 500, height: 500 },
  ];
  const [left, right] = tiles as [Box, Box];

  test('keeps a face whole inside its tile, including at the edges of the picture', () => {
    const faces = newSmallFaces(
      [{ tile: left, candidates: [candidate({ x: 0, y: 10, width: 30, height: 30 }), candidate({ x: 100, y: 470, width: 30, height: 30 })] }],
      [],
      900,
      500,
    );
    expect(faces.map((f) => f.box.x)).toEqual([0, 100]);
  });

  test("drops a face cut by a tile's inner edge, which its neighbour holds whole", () => {
    const cut = candidate({ x: 480, y: 100, width: 20, height: 30 }, 0.95);
    const whole = candidate({ x: 480, y: 100, width: 40, height: 40 }, 0.6);
    expect(newSmallFaces([{ tile: left, candidates: [cut] }], [], 900, 500)).toEqual([]);
    expect(
      newSmallFaces(
        [
          { tile: left, candidates: [cut] },
          { tile: right, candidates: [whole] },
        ],
        [],
        900,
        500,
      ),
    ).toEqual([whole]);
  });

  test('drops a face wider than the overlap: the first pass sees those', () => {
    const wide = candidate({ x: 100, y: 100, width: 101, height: 101 });
    expect(newSmallFaces([{ tile: left, candidates: [wide] }], [], 900, 500)).toEqual([]);
    const fits = candidate({ x: 100, y: 100, width: 100, height: 100 });
    expect(newSmallFaces([{ tile: left, candidates: [fits] }], [], 900, 500)).toEqual([fits]);
  });

  test("drops what lies mostly inside a first-pass box (a large face's eye), keeps what only touches one", () => {
    const big: Box = { x: 100, y: 100, width: 200, height: 200 };
    const eye = candidate({ x: 140, y: 150, width: 30, height: 30 });
    const halfIn = candidate({ x: 285, y: 150, width: 30, height: 30 });
    const beside = candidate({ x: 290, y: 150, width: 30, height: 30 });
    expect(newSmallFaces([{ tile: left, candidates: [eye, halfIn, beside] }], [big], 900, 500)).toEqual([beside]);
  });

  test('tiles above one another: the inner edge between them works as between tiles side by side', () => {
    const [top, bottom] = [
      { x: 0, y: 0, width: 500, height: 500 },
      { x: 0, y: 400, width: 500, height: 500 },
    ];
    const keep = (tile: Box, box: Box) => newSmallFaces([{ tile, candidates: [candidate(box)] }], [], 500, 900).length === 1;
    // Cut by the top tile's bottom edge (inside the picture), or reaching it exactly: dropped.
    expect(keep(top, { x: 100, y: 480, width: 30, height: 30 })).toBe(false);
    expect(keep(top, { x: 100, y: 470, width: 30, height: 30 })).toBe(false);
    expect(keep(top, { x: 100, y: 469, width: 30, height: 30 })).toBe(true);
    // On the bottom tile's top edge (inside the picture): dropped; just below it: kept; at the picture's bottom: kept.
    expect(keep(bottom, { x: 100, y: 400, width: 30, height: 30 })).toBe(false);
    expect(keep(bottom, { x: 100, y: 401, width: 30, height: 30 })).toBe(true);
    expect(keep(bottom, { x: 100, y: 870, width: 30, height: 30 })).toBe(true);
    // The picture's top and left edges belong to the top tile.
    expect(keep(top, { x: 0, y: 0, width: 30, height: 30 })).toBe(true);
    // A tile's left edge inside the picture: a face starting on it is cut.
    const right = { x: 400, y: 0, width: 500, height: 500 };
    expect(newSmallFaces([{ tile: right, candidates: [candidate({ x: 400, y: 10, width: 30, height: 30 })] }], [], 900, 500)).toEqual([]);
    expect(newSmallFaces([{ tile: right, candidates: [candidate({ x: 870, y: 10, width: 30, height: 30 })] }], [], 900, 500)).toHaveLength(1);
  });

  test('the same face seen by two tiles comes once, the better score', () => {
    const a = candidate({ x: 420, y: 100, width: 30, height: 30 }, 0.7);
    const b = candidate({ x: 422, y: 101, width: 30, height: 30 }, 0.8);
    expect(
      newSmallFaces(
        [
          { tile: left, candidates: [a] },
          { tile: right, candidates: [b] },
        ],
        [],
        900,
        500,
      ),
    ).toEqual([b]);
  });
});

test("tileImage copies the tile's pixels; fromTile moves a tile's candidate into the picture", () => {
  const image = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };
  const tile = tileImage(image, { x: 1, y: 1, width: 2, height: 2 });
  expect(tile).toEqual({ width: 2, height: 2, data: Uint8Array.from([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]) });
  expect(tileImage(image, { x: 0, y: 0, width: 2, height: 2 }).data).toEqual(Uint8Array.from([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]));
  const moved = fromTile(candidate({ x: 5, y: 6, width: 10, height: 10 }, 0.5), { x: 100, y: 200, width: 50, height: 50 });
  expect(moved).toEqual({ box: { x: 105, y: 206, width: 10, height: 10 }, leftEye: { x: 108, y: 206 }, rightEye: { x: 112, y: 206 }, score: 0.5 });
});
