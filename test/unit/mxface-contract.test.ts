import fs from 'node:fs';
import { parseMxfaceErrorMessage, parseMxfaceResponse, toMxfaceFace } from '../../src/providers/mxface/mxface-contract';
import { UpstreamError } from '../../src/providers/mxface/upstream-error';
import { sharedPath } from '../../tools/shared-folder';

const face = {
  faceLandmark: { mouthLeft: { x: 40, y: 80 }, mouthRight: { x: 60, y: 80 }, nose: { x: 50, y: 60 }, eye_left: { x: 40, y: 40 }, eye_right: { x: 60, y: 40 } },
  quality: 0.8,
  faceRectangle: { x: 20, y: 20, width: 60, height: 80 },
};

describe('MXFace response parsing', () => {
  test.each([
    ['a bare face list', [face]],
    ['a list of image results', [{ faces: [face] }]],
    ['an object with faces', { faces: [face] }],
  ])('reads %s', (_name, body) => {
    const parsed = parseMxfaceResponse(body);
    expect(parsed).toMatchObject({
      ok: true,
      faces: [{ box: face.faceRectangle, quality: 0.8, fivePoints: { leftEye: { x: 40, y: 40 }, mouthRight: { x: 60, y: 80 } } }],
    });
  });

  test('quality on the 1..100 scale becomes 0..1; missing mouth corners stay missing', () => {
    const parsed = parseMxfaceResponse([{ ...face, quality: 80, faceLandmark: { ...face.faceLandmark, mouthLeft: null, mouthRight: null } }]);
    expect(parsed.ok && parsed.faces[0]).toMatchObject({ quality: 0.8 });
    expect(parsed.ok && parsed.faces[0]?.fivePoints.mouthLeft).toBeUndefined();
  });

  test('anything else, or an error code inside a 200, is a protocol error with a reason', () => {
    expect(parseMxfaceResponse({ hello: 'world' })).toMatchObject({ ok: false });
    expect(parseMxfaceResponse({ faces: [], errorCode: 7 })).toEqual({ ok: false, reason: 'the response carries errorCode 7' });
  });

  test('error envelopes in both known forms', () => {
    expect(parseMxfaceErrorMessage({ code: 400, error: 'bad image' })).toBe('bad image');
    expect(parseMxfaceErrorMessage({ errorCode: 401, errorMessage: 'no key' })).toBe('no key');
    expect(parseMxfaceErrorMessage('<html>')).toBeUndefined();
  });

  test('our own answers round-trip through the parser', () => {
    const ours = toMxfaceFace({
      rectangle: { x: 20.4, y: 20.6, width: 60, height: 80 },
      quality: 0.8,
      fivePoints: { leftEye: { x: 40.2, y: 40 }, rightEye: { x: 60, y: 40 }, noseTip: { x: 50, y: 60 } },
    });
    expect(parseMxfaceResponse([ours])).toMatchObject({ ok: true, faces: [{ box: { x: 20, y: 21 }, fivePoints: { leftEye: { x: 40, y: 40 } } }] });
  });
});

describe('upstream failures are classified once', () => {
  test.each([
    [401, 'auth', false, false, 'UPSTREAM_AUTH_FAILED'],
    [403, 'auth', false, false, 'UPSTREAM_AUTH_FAILED'],
    [429, 'rate_limited', true, false, 'UPSTREAM_RATE_LIMITED'],
    [408, 'timeout', true, true, 'UPSTREAM_TIMEOUT'],
    [503, 'unavailable', true, true, 'UPSTREAM_UNAVAILABLE'],
    [413, 'rejected', false, false, 'UPSTREAM_REJECTED_IMAGE'],
    [302, 'protocol', false, false, 'UPSTREAM_PROTOCOL_ERROR'],
  ])('HTTP %i is %s (retryable %s, counts against health %s)', (status, failure, retryable, health, code) => {
    const error = UpstreamError.fromStatus(status, 'said');
    expect(error).toMatchObject({ failure, retryable, countsAgainstHealth: health, code, status });
  });
});

test("the vendor's documented example, read verbatim from the contract page: its coordinates, eye sides and quality", () => {
  const page = fs.readFileSync(sharedPath('docs', 'mxface-landmark-api.md'), 'utf8');
  const example = /## Success[\s\S]*?```json\n([\s\S]*?)```/.exec(page)?.[1];
  expect(example).toBeDefined();
  const parsed = parseMxfaceResponse(JSON.parse(example!));
  expect(parsed).toEqual({
    ok: true,
    faces: [
      {
        box: { x: 145, y: 48, width: 372, height: 154 },
        fivePoints: {
          // eye_left is the eye nearer the image's left edge (smaller x): the service's LEFT_EYE.
          leftEye: { x: 187, y: 98 },
          rightEye: { x: 251, y: 107 },
          noseTip: { x: 216, y: 216 },
          mouthLeft: { x: 184, y: 153 },
          mouthRight: { x: 232, y: 159 },
        },
        quality: 0.956459,
      },
    ],
  });
});
