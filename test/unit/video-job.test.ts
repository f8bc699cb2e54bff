// What a job's end says (jobOutcome, jobFailure), how a subscription follows it (jobUpdates), and a
// segment's analysis through its text form (analysis-codec): no engine, no Redis.
import { ErrorCode, UserFacingError } from '../../src/errors';
import { decodeAnalysis, encodeAnalysis } from '../../src/video/analysis-codec';
import type { AnalysisResult, TrackedFaceData } from '../../src/video/video-analysis';
import { jobFailure, jobOutcome, jobUpdates, type VideoJob } from '../../src/video/video-job';

const face = (frame: number, mesh?: Float32Array): TrackedFaceData => ({
  frame,
  time: frame / 10,
  box: { x: 1.5, y: 2.25, width: 100.125, height: 120 },
  confidence: 0.93,
  fivePoints: { leftEye: { x: 1, y: 2 }, rightEye: { x: 3, y: 4 }, noseTip: { x: 5, y: 6 }, mouthLeft: { x: 7, y: 8 }, mouthRight: { x: 9, y: 10 } },
  points68: Array.from({ length: 68 }, (_, i) => ({ x: i / 3, y: -(i + 1) / 7 })),
  mesh,
  pose: { yaw: -12.5, pitch: 3.25, roll: 0.1 },
});

const analysis = (frames: number[], failure?: string, tooLong?: AnalysisResult['decode']['tooLong']): AnalysisResult => ({
  tracks: frames.length ? [{ id: '1', faces: frames.map((f) => face(f)) }] : [],
  framesAnalysed: frames.length,
  framesDetected: 1,
  decode: { framesDecoded: frames.length, failure, tooLong },
});

describe('jobOutcome', () => {
  test('no frame analysed: FAILED, UNSUPPORTED_VIDEO, with the decoder’s reason when it gave one', () => {
    expect(jobOutcome(analysis([]))).toEqual({
      status: 'FAILED',
      userErrors: [new UserFacingError(ErrorCode.UNSUPPORTED_VIDEO, 'The video has no frame that could be decoded.')],
    });
    const { userErrors } = jobOutcome(analysis([], 'moov atom not found'));
    expect(userErrors[0]!.message).toBe('The video has no frame that could be decoded (moov atom not found).');
  });

  test('frames and no break: SUCCEEDED, no error', () => {
    expect(jobOutcome(analysis([0, 1, 2]))).toEqual({ status: 'SUCCEEDED', userErrors: [] });
  });

  test('a break mid-clip: SUCCEEDED with the frames before it, and a VIDEO_DECODE_FAILED saying where', () => {
    const { status, userErrors } = jobOutcome(analysis([0, 1, 7], 'Invalid data found'));
    expect(status).toBe('SUCCEEDED');
    expect(userErrors.map((e) => [e.code, e.message])).toEqual([
      [
        ErrorCode.VIDEO_DECODE_FAILED,
        'The video broke off after 3 analysed frames (last face at frame 7): Invalid data found. The frames before the break are kept.',
      ],
    ]);
    expect(jobOutcome(analysis([0], 'EOF')).userErrors[0]!.message).toBe(
      'The video broke off after 1 analysed frames (last face at frame 0): EOF. The frames before the break are kept.',
    );
    const faceless = { ...analysis([0, 1], 'Invalid data found'), tracks: [] };
    expect(jobOutcome(faceless).userErrors[0]!.message).toBe(
      'The video broke off after 2 analysed frames: Invalid data found. The frames before the break are kept.',
    );
  });
});

describe('jobOutcome at the length limit (a stream that ran past MAX_VIDEO_SECONDS while decoding)', () => {
  test('cut by its timeline: SUCCEEDED with the frames before, and VIDEO_TOO_LONG saying where', () => {
    expect(jobOutcome(analysis([0, 1, 2], undefined, { seconds: 6.5 }))).toEqual({
      status: 'SUCCEEDED',
      userErrors: [
        new UserFacingError(
          ErrorCode.VIDEO_TOO_LONG,
          'The video is longer than the server accepts: decoding stopped where its timeline reached 6.5 s, past the limit (MAX_VIDEO_SECONDS); the 3 analysed frames before the cut are kept.',
        ),
      ],
    });
  });

  test('cut by the frame cap: the frames counted, and the rate that sets the cap', () => {
    const { status, userErrors } = jobOutcome(analysis([0], undefined, { frames: 721 }));
    expect(status).toBe('SUCCEEDED');
    expect(userErrors.map((e) => [e.code, e.message])).toEqual([
      [
        ErrorCode.VIDEO_TOO_LONG,
        'The video is longer than the server accepts: decoding stopped where it reached 721 frames, more than the limit allows (MAX_VIDEO_SECONDS at 120 frames a second); the 1 analysed frames before the cut are kept.',
      ],
    ]);
  });

  test('the limit wins over a break the decoder also reported', () => {
    expect(jobOutcome(analysis([0, 1], 'Invalid data found', { seconds: 7 })).userErrors.map((e) => e.code)).toEqual([ErrorCode.VIDEO_TOO_LONG]);
  });

  test('no frame before the cut: FAILED with VIDEO_TOO_LONG, not UNSUPPORTED_VIDEO', () => {
    expect(jobOutcome(analysis([], undefined, { seconds: 601 }))).toEqual({
      status: 'FAILED',
      userErrors: [
        new UserFacingError(
          ErrorCode.VIDEO_TOO_LONG,
          'The video is longer than the server accepts: decoding stopped where its timeline reached 601.0 s, past the limit (MAX_VIDEO_SECONDS).',
        ),
      ],
    });
  });
});

test('jobFailure: a typed error stands; anything else is ENGINE_FAILURE, its message kept from the client', () => {
  const typed = new UserFacingError(ErrorCode.VIDEO_TOO_LONG, 'too long');
  expect(jobFailure(typed)).toBe(typed);
  const failure = jobFailure(new Error('/srv/secret/path: EACCES'));
  expect(failure.code).toBe(ErrorCode.ENGINE_FAILURE);
  expect(failure.message).toBe('The video could not be analysed (an internal failure); retrying may help.');
});

describe('jobUpdates', () => {
  const job = (status: VideoJob['status'], progress: number): VideoJob => ({
    id: 'j',
    status,
    progress,
    framesAnalysed: 0,
    userErrors: [],
    tracks: async () => [],
  });

  test('the state at once, again at each wake, then the final state read once more; the wake is released', async () => {
    const states = [job('RUNNING', 0.5), job('SUCCEEDED', 1)];
    let reads = 0;
    let wake = () => {};
    let released = false;
    const updates = jobUpdates(
      job('QUEUED', 0),
      async () => ({ ...states[0]!, framesAnalysed: ++reads }),
      (w) => ((wake = w), () => (released = true)),
      0,
      60_000,
    );
    const seen: string[] = [];
    const reading = (async () => {
      for await (const state of updates) seen.push(`${state.status} ${state.progress} ${state.framesAnalysed}`);
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['QUEUED 0 0']);
    wake();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['QUEUED 0 0', 'RUNNING 0.5 1']);
    states.shift();
    wake();
    await reading;
    expect(seen).toEqual(['QUEUED 0 0', 'RUNNING 0.5 1', 'SUCCEEDED 1 2', 'SUCCEEDED 1 3']);
    expect(released).toBe(true);
  });

  test('with no wake, at least every maxIntervalMs; a read that finds nothing keeps the last state', async () => {
    let reads = 0;
    const updates = jobUpdates(
      job('RUNNING', 0.1),
      async () => (++reads >= 3 ? job('CANCELLED', 0.1) : undefined),
      () => () => {},
      0,
      30,
    );
    const seen: string[] = [];
    for await (const state of updates) seen.push(state.status);
    expect(seen).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'CANCELLED', 'CANCELLED']);
  });
});

describe('analysis-codec', () => {
  test('an analysis through its text is the same analysis: every field, each mesh bit for bit', () => {
    const mesh = new Float32Array([0.1, -2.5e-7, 3.4028234663852886e38, Number.MIN_VALUE, -0, 1 / 3]);
    // A mesh inside a larger buffer at an offset, as the engine hands meshes over.
    const shared = new Float32Array(10);
    shared.set([7.25, 8.5, 9.75], 4);
    const offset = new Float32Array(shared.buffer, 16, 3);
    const result: AnalysisResult = {
      tracks: [
        { id: '1', faces: [face(0, mesh), face(1)] },
        { id: '2', faces: [face(1, offset)] },
      ],
      framesAnalysed: 2,
      firstFrame: 0,
      lastFrame: 1,
      framesDetected: 1,
      decode: { framesDecoded: 2 },
    };
    const decoded = decodeAnalysis(encodeAnalysis(result));
    expect(decoded).toEqual(result);
    const meshes = decoded.tracks.flatMap((t) => t.faces.map((f) => f.mesh));
    expect(meshes[0]).toBeInstanceOf(Float32Array);
    expect(Buffer.from(meshes[0]!.buffer).equals(Buffer.from(mesh.buffer))).toBe(true);
    expect(Array.from(meshes[2]!)).toEqual([7.25, 8.5, 9.75]);
    expect(meshes[1]).toBeUndefined();
  });
});
