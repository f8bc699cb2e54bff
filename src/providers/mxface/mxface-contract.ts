// The MXFace Face Landmark API wire contract (shared/docs/mxface-landmark-api.md): request and
// response shapes, the variations clients meet in the wild, and the error envelopes.
import { z } from 'zod';
import type { Box, Point } from '../../geometry/geometry';
import type { FivePoints } from '../../geometry/landmarks';

export const MXFACE_LANDMARK_PATH = '/face/landmark';
/** The vendor's request body limit. */
export const MXFACE_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const MXFACE_KEY_HEADER = 'Subscriptionkey';

export interface MxfaceRequest {
  encoded_image: string;
  minimumDistanceBetweenEyeThreshold?: number;
}

export const mxfaceRequestSchema = z.object({
  encoded_image: z.string(),
  minimumDistanceBetweenEyeThreshold: z.number().optional(),
});

const point = z.object({ x: z.number(), y: z.number() });
const maybePoint = point.nullish();

const faceSchema = z.object({
  faceLandmark: z.object({
    eye_left: point,
    eye_right: point,
    nose: point,
    mouthLeft: maybePoint,
    mouthRight: maybePoint,
  }),
  quality: z.number().nullish(),
  faceRectangle: z.object({ x: z.number(), y: z.number(), width: z.number().nonnegative(), height: z.number().nonnegative() }),
});
const faceList = z.array(faceSchema);

const responseSchema = z.union([
  faceList,
  z.array(z.object({ faces: faceList })),
  z.object({ faces: faceList, errorCode: z.unknown().optional(), errorMessage: z.unknown().optional() }),
]);

export type MxfaceFace = z.infer<typeof faceSchema>;

/** A face in the sent image's pixels (points: (0, 0) = centre of the top-left pixel). */
export interface ParsedMxfaceFace {
  box: Box;
  fivePoints: FivePoints;
  /** 0..1: the card shows 0..1, other vendor pages 1..100; anything above 1 is on the 0..100 scale. */
  quality: number;
}

export type ParseResult = { ok: true; faces: ParsedMxfaceFace[] } | { ok: false; reason: string };

/** Reads a 200 response body in any of the known variations; anything else is a protocol error. */
export function parseMxfaceResponse(body: unknown): ParseResult {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: 'the response is not a face list in any known MXFace shape' };
  const data = parsed.data;
  if (!Array.isArray(data) && data.errorCode !== undefined && data.errorCode !== null && Number(data.errorCode) !== 0 && Number(data.errorCode) !== 200) {
    return { ok: false, reason: `the response carries errorCode ${String(data.errorCode)}` };
  }
  const faces = Array.isArray(data) ? data.flatMap((item) => ('faces' in item ? item.faces : [item as MxfaceFace])) : data.faces;
  return { ok: true, faces: faces.map(toParsedFace) };
}

function toParsedFace(face: MxfaceFace): ParsedMxfaceFace {
  const lm = face.faceLandmark;
  const asPoint = (p: { x: number; y: number }): Point => ({ x: p.x, y: p.y });
  const raw = face.quality ?? 0;
  return {
    box: { ...face.faceRectangle },
    fivePoints: {
      leftEye: asPoint(lm.eye_left),
      rightEye: asPoint(lm.eye_right),
      noseTip: asPoint(lm.nose),
      ...(lm.mouthLeft ? { mouthLeft: asPoint(lm.mouthLeft) } : {}),
      ...(lm.mouthRight ? { mouthRight: asPoint(lm.mouthRight) } : {}),
    },
    quality: Math.min(1, Math.max(0, raw > 1 ? raw / 100 : raw)),
  };
}

const envelopeSchema = z.union([z.object({ code: z.number(), error: z.string() }), z.object({ errorCode: z.number(), errorMessage: z.string() })]);

/** The message of an error envelope in either known form, if the body is one. */
export function parseMxfaceErrorMessage(body: unknown): string | undefined {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) return undefined;
  return 'error' in parsed.data ? parsed.data.error : parsed.data.errorMessage;
}

/** The documented response element for one face, in integer pixels as the vendor sends them. */
export function toMxfaceFace(face: { rectangle: Box; quality: number; fivePoints: FivePoints }, qualityScale: 1 | 100 = 1): MxfaceFace {
  const p = (pt: Point) => ({ x: Math.round(pt.x), y: Math.round(pt.y) });
  const f = face.fivePoints;
  return {
    faceLandmark: {
      mouthLeft: f.mouthLeft ? p(f.mouthLeft) : null,
      mouthRight: f.mouthRight ? p(f.mouthRight) : null,
      nose: p(f.noseTip),
      eye_left: p(f.leftEye),
      eye_right: p(f.rightEye),
    },
    quality: Number((face.quality * qualityScale).toFixed(6)),
    faceRectangle: {
      x: Math.round(face.rectangle.x),
      y: Math.round(face.rectangle.y),
      width: Math.round(face.rectangle.width),
      height: Math.round(face.rectangle.height),
    },
  };
}

/** The `{ code, error }` envelope the vendor's landmark endpoint uses. */
export function mxfaceErrorBody(status: number, message: string) {
  return { code: status, error: message };
}
