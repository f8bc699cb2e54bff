/** Plain geometry on pixel coordinates (origin top-left, x right, y down). */
export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Scales a point given in pixel-index coordinates ((0, 0) = centre of the top-left pixel) between
 * two resolutions of the same picture: pixel centres, not pixel corners, correspond.
 */
export function scalePixelPoint(p: Point, factor: number): Point {
  return { x: (p.x + 0.5) * factor - 0.5, y: (p.y + 0.5) * factor - 0.5 };
}

/** Scales a box given in continuous coordinates (0 = the image's left/top edge). */
export function scaleBox(b: Box, factor: number): Box {
  return { x: b.x * factor, y: b.y * factor, width: b.width * factor, height: b.height * factor };
}

export function centroid(points: readonly Point[]): Point {
  const sum = points.reduce((acc, p) => ({ x: acc.x + p.x, y: acc.y + p.y }), { x: 0, y: 0 });
  return { x: sum.x / points.length, y: sum.y / points.length };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** The square of side max(width, height) sharing the box's centre, optionally enlarged by `factor`. */
export function squareAround(b: Box, factor = 1): Box {
  const side = Math.max(b.width, b.height) * factor;
  return { x: b.x + b.width / 2 - side / 2, y: b.y + b.height / 2 - side / 2, width: side, height: side };
}

/** The part of `b` inside a width x height image, or undefined when nothing is left. */
export function clipBox(b: Box, width: number, height: number): Box | undefined {
  const x = Math.max(0, b.x);
  const y = Math.max(0, b.y);
  const right = Math.min(width, b.x + b.width);
  const bottom = Math.min(height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : undefined;
}

/** Integer pixel rectangle of `b` inside a width x height image, or undefined when it lies outside. */
export function pixelRegion(b: Box, width: number, height: number): Box | undefined {
  const clipped = clipBox(b, width, height);
  if (!clipped) return undefined;
  const x = Math.floor(clipped.x);
  const y = Math.floor(clipped.y);
  return { x, y, width: Math.min(width - x, Math.max(1, Math.round(clipped.width))), height: Math.min(height - y, Math.max(1, Math.round(clipped.height))) };
}

/** The smallest box holding every point. */
export function boundingBox(points: readonly Point[]): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** The area two boxes share. */
export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
