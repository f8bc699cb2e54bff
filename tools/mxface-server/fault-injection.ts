import type { RequestHandler, Response } from 'express';
import { mxfaceErrorBody, type MxfaceFace } from '../../src/providers/mxface/mxface-contract';

/** Response shapes the MXFace contract says clients meet. */
export type ResponseVariant = 'array' | 'wrapped-array' | 'object' | 'quality-100' | 'no-mouth' | 'extra-fields';

/**
 * What the local MXFace server does wrong, on purpose. Counters (`*Next`) hit the next N requests
 * exactly, for tests; rates are probabilities, for soak runs and benchmarks.
 */
export interface Faults {
  latencyMs: number;
  errorStatus: number;
  errorRate: number;
  failNext: number;
  rateLimitRate: number;
  rateLimitNext: number;
  dropRate: number;
  dropNext: number;
  malformedRate: number;
  malformedNext: number;
  /** Spread the response body over this many milliseconds. */
  slowBodyMs: number;
  variant: ResponseVariant;
  /** Answer one fixed face without running the engine (isolates client-side costs in benchmarks). */
  canned: boolean;
  /** Move every face (box and points) by this many pixels: an answer the local engine would not give. */
  shift: { x: number; y: number };
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorStatus: 500,
  errorRate: 0,
  failNext: 0,
  rateLimitRate: 0,
  rateLimitNext: 0,
  dropRate: 0,
  dropNext: 0,
  malformedRate: 0,
  malformedNext: 0,
  slowBodyMs: 0,
  variant: 'array',
  canned: false,
  shift: { x: 0, y: 0 },
};

const CANNED_FACE: MxfaceFace = {
  faceLandmark: {
    mouthLeft: { x: 184, y: 153 },
    mouthRight: { x: 232, y: 159 },
    nose: { x: 216, y: 216 },
    eye_left: { x: 187, y: 98 },
    eye_right: { x: 251, y: 107 },
  },
  quality: 0.956459,
  faceRectangle: { x: 145, y: 48, width: 372, height: 154 },
};

function shifted(face: MxfaceFace, { x, y }: { x: number; y: number }): MxfaceFace {
  if (x === 0 && y === 0) return face;
  const move = (p: { x: number; y: number } | null | undefined) => p && { x: p.x + x, y: p.y + y };
  const lm = face.faceLandmark;
  return {
    ...face,
    faceRectangle: { ...face.faceRectangle, x: face.faceRectangle.x + x, y: face.faceRectangle.y + y },
    faceLandmark: {
      ...lm,
      eye_left: move(lm.eye_left)!,
      eye_right: move(lm.eye_right)!,
      nose: move(lm.nose)!,
      mouthLeft: move(lm.mouthLeft),
      mouthRight: move(lm.mouthRight),
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FaultInjector {
  faults: Faults = { ...NO_FAULTS };

  set(patch: Partial<Faults>): void {
    this.faults = { ...this.faults, ...patch };
  }

  reset(): void {
    this.faults = { ...NO_FAULTS };
  }

  /** Spends a `*Next` counter or rolls the dice for the matching rate. */
  private hit(next: 'failNext' | 'rateLimitNext' | 'dropNext' | 'malformedNext', rate: number): boolean {
    if (this.faults[next] > 0) {
      this.faults[next]--;
      return true;
    }
    return rate > 0 && Math.random() < rate;
  }

  /** Applies the contract's response variations to the documented face list. */
  shape = (answered: MxfaceFace[]): unknown => {
    const faces = answered.map((face) => shifted(face, this.faults.shift));
    switch (this.faults.variant) {
      case 'wrapped-array':
        return [{ faces }];
      case 'object':
        return { faces, errorCode: 0, errorMessage: '' };
      case 'quality-100':
        return faces.map((f) => ({ ...f, quality: Number(((f.quality ?? 0) * 100).toFixed(4)) }));
      case 'no-mouth':
        return faces.map((f) => ({ ...f, faceLandmark: { ...f.faceLandmark, mouthLeft: undefined, mouthRight: null } }));
      case 'extra-fields':
        return faces.map((f) => ({ ...f, points: [{ x: 1, y: 2 }], faceId: 'x1', faceLandmark: { ...f.faceLandmark, MouthCenter: { x: 0, y: 0 } } }));
      default:
        return faces;
    }
  };

  middleware: RequestHandler = async (req, res, next) => {
    // Decide on arrival: a request still sleeping when a test changes the faults keeps its own.
    const f = { ...this.faults };
    const drop = this.hit('dropNext', f.dropRate);
    const rateLimit = !drop && this.hit('rateLimitNext', f.rateLimitRate);
    const failure = !drop && !rateLimit && this.hit('failNext', f.errorRate);
    const malformed = !drop && !rateLimit && !failure && this.hit('malformedNext', f.malformedRate);
    if (f.latencyMs > 0) await sleep(f.latencyMs);
    if (drop) return void req.socket.destroy();
    if (rateLimit) return void res.status(429).json(mxfaceErrorBody(429, 'Too many requests.'));
    if (failure) return void res.status(f.errorStatus).json(mxfaceErrorBody(f.errorStatus, 'Injected failure.'));
    if (malformed) return void res.status(200).type('application/json').send('[{"faceLandmark": {"nose": ');
    if (f.slowBodyMs > 0) slowDown(res, f.slowBodyMs);
    if (f.canned) return void res.status(200).json(this.shape([CANNED_FACE]));
    next();
  };
}

/** Makes res.json trickle its body out in ten pieces over `totalMs`. */
function slowDown(res: Response, totalMs: number): void {
  res.json = (body: unknown) => {
    const text = JSON.stringify(body);
    res.status(res.statusCode).type('application/json');
    res.setHeader('content-length', Buffer.byteLength(text));
    const pieces = 10;
    const size = Math.ceil(text.length / pieces);
    void (async () => {
      for (let i = 0; i < pieces && !res.destroyed; i++) {
        res.write(text.slice(i * size, (i + 1) * size));
        await sleep(totalMs / pieces);
      }
      res.end();
    })();
    return res;
  };
}
