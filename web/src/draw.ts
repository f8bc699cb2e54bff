// One photo and its faces: an SVG overlay in the photo's own pixel coordinates (boxes, points,
// pose axes), then a card per face with its expressions and crops.
import type { DemoFaceFragment, DemoPayloadFragment } from '../gql/graphql';
import { html, svg } from './dom';

export type Scheme = 'five' | 'ibug68' | 'mesh';
/** The card of one photo: the user errors, or the photo with its faces drawn. */
export function drawResult(title: string, photoUrl: string, payload: DemoPayloadFragment, scheme: Scheme, axes: boolean): HTMLElement {
  const card = html('section', { class: 'result' });
  card.append(html('h2', {}, title));
  for (const error of payload.userErrors) card.append(html('p', { class: 'user-error', 'data-code': error.code }, `${error.code}: ${error.message}`));
  if (!payload.faces || !payload.image) return card;

  const stage = html('div', { class: 'stage' });
  const img = html('img', { src: photoUrl, alt: title });
  const overlay = svg('svg', { viewBox: `0 0 ${payload.image.width} ${payload.image.height}`, preserveAspectRatio: 'none' });
  const unit = drawingUnit(payload.image.width, payload.image.height);
  payload.faces.forEach((face, i) => overlay.append(drawFace(face, i, scheme, axes, unit)));
  stage.append(img, overlay);
  card.append(stage, html('p', { class: 'summary' }, `${payload.faces.length} face${payload.faces.length === 1 ? '' : 's'}`));

  const cards = html('div', { class: 'faces' });
  payload.faces.forEach((face, i) => cards.append(faceCard(face, i)));
  card.append(cards);
  return card;
}

/** The stroke and marker unit that reads at any picture size. */
export const drawingUnit = (width: number, height: number) => Math.max(width, height) / 400;

/** Marker radius as a share of the face box's longer side. */
const MARKER_SIZE: Record<Scheme, number> = { five: 0.04, ibug68: 0.02, mesh: 0.008 };

/** A face's group: its box and its points' markers (a photo's face, or a tracked face in a video frame). */
export function faceMarks(
  attributes: Record<string, string | number>,
  box: { x: number; y: number; width: number; height: number },
  points: ReadonlyArray<{ point: { x: number; y: number } }>,
  scheme: Scheme,
  unit: number,
): SVGGElement {
  const group = svg('g', attributes);
  const { x, y, width, height } = box;
  group.append(svg('rect', { class: 'face-box', x, y, width, height, 'stroke-width': unit }));
  // Markers scale with the face, so that they read on a large face and do not cover a small one;
  // never under a third of the picture's unit.
  const radius = Math.max(unit / 3, Math.max(width, height) * MARKER_SIZE[scheme]);
  for (const { point } of points) group.append(svg('circle', { class: 'landmark', cx: point.x, cy: point.y, r: radius }));
  return group;
}

function drawFace(face: DemoFaceFragment, index: number, scheme: Scheme, axes: boolean, unit: number): SVGGElement {
  const points = (scheme === 'five' ? face.five : scheme === 'ibug68' ? face.ibug68 : face.mesh) ?? [];
  const group = faceMarks({ class: 'face', 'data-face': index }, face.rectangle, points, scheme, unit);
  if (axes && face.pose) group.append(poseAxes(face, unit));
  return group;
}

/** The head's axes drawn from the nose tip: x red, y green, z (towards the camera) blue. */
function poseAxes(face: DemoFaceFragment, unit: number): SVGGElement {
  const group = svg('g', { class: 'pose-axes' });
  const nose = face.five?.find((l) => l.type === 'NOSE_TIP')?.point;
  if (!nose || !face.pose) return group;
  const [yaw, pitch, roll] = [face.pose.yaw, face.pose.pitch, face.pose.roll].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const length = face.rectangle.width * 0.5;
  // Rotation R = Rz(roll) Ry(yaw) Rx(pitch); image y points down.
  const [cy, sy, cp, sp, cr, sr] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch), Math.cos(roll), Math.sin(roll)];
  const axesInImage: Array<[number, number, string]> = [
    [cr * cy, sr * cy, '#ef4444'],
    [-sr * cp + cr * sy * sp, cr * cp + sr * sy * sp, '#22c55e'],
    [sr * sp + cr * sy * cp, -cr * sp + sr * sy * cp, '#3b82f6'],
  ];
  for (const [dx, dy, colour] of axesInImage) {
    group.append(svg('line', { x1: nose.x, y1: nose.y, x2: nose.x + dx * length, y2: nose.y + dy * length, stroke: colour, 'stroke-width': unit }));
  }
  return group;
}

function faceCard(face: DemoFaceFragment, index: number): HTMLElement {
  const card = html('div', { class: 'face-card', 'data-face': String(index) });
  const pose = face.pose ? ` · yaw ${face.pose.yaw.toFixed(0)}° pitch ${face.pose.pitch.toFixed(0)}° roll ${face.pose.roll.toFixed(0)}°` : '';
  card.append(
    html('strong', {}, `Face ${index + 1}`),
    html('span', {}, ` confidence ${face.confidence.toFixed(2)} · quality ${face.quality.toFixed(2)}${pose}`),
  );
  const crops = html('div', { class: 'crops' });
  for (const [name, crop] of [
    ['eyes', face.eyes],
    ['mouth', face.mouth],
    ['aligned', face.aligned],
  ] as const) {
    if (crop) crops.append(html('img', { class: `crop crop-${name}`, src: crop.dataUrl, alt: name, title: name }));
  }
  card.append(crops);
  for (const { expression, probability } of face.expressions ?? []) {
    const bar = html('div', { class: 'bar', 'data-expression': expression });
    bar.append(
      html('span', {}, expression.toLowerCase()),
      html('span', { class: 'fill', style: `width: ${Math.round(probability * 180)}px` }),
      html('span', {}, `${Math.round(probability * 100)} %`),
    );
    card.append(bar);
  }
  return card;
}
