// Reading ffprobe's answer: the facts of a video and the typed refusals, on answers shaped as ffprobe
// prints them (the first one is walking.mp4's, abridged).
import { ErrorCode } from '../../src/errors';
import { describeProbe, VIDEO_CONTAINERS, type ProbeJson } from '../../src/video/video-probe';

const LIMITS = { maxPixels: 1920 * 1080, maxSeconds: 600 };
const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2';
const walking: ProbeJson = {
  streams: [
    {
      codec_type: 'video',
      codec_name: 'h264',
      width: 1920,
      height: 1080,
      avg_frame_rate: '25/1',
      r_frame_rate: '25/1',
      duration: '4.200000',
      nb_frames: '105',
    },
    { codec_type: 'audio', codec_name: 'aac', avg_frame_rate: '0/0', r_frame_rate: '0/0', duration: '4.2' },
  ],
  format: { format_name: MP4, duration: '4.200000' },
};
const video = (stream: NonNullable<ProbeJson['streams']>[number], format: ProbeJson['format'] = { format_name: MP4, duration: '2.0' }): ProbeJson => ({
  streams: [stream],
  format,
});
const refusal = (probe: ProbeJson, limits = LIMITS) => {
  try {
    describeProbe(probe, limits);
    return 'accepted';
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return `${code}: ${message}`;
  }
};

test("walking.mp4's facts", () => {
  expect(describeProbe(walking, LIMITS)).toEqual({
    width: 1920,
    height: 1080,
    durationSeconds: 4.2,
    frameRate: 25,
    frameCount: 105,
    codec: 'h264',
    rotation: 0,
    startTime: 0,
    container: MP4,
  });
});

test("the first frame's time: the video stream's start, else the container's, else 0", () => {
  const stream = { codec_type: 'video', codec_name: 'h264', width: 640, height: 360, avg_frame_rate: '30/1' };
  expect(describeProbe(video({ ...stream, start_time: '0.852' }, { format_name: MP4, start_time: '0.1' }), LIMITS).startTime).toBe(0.852);
  // An MPEG-TS recording's clock, kept as the player counts it.
  expect(describeProbe(video(stream, { format_name: 'mpegts', start_time: '1.4' }), LIMITS).startTime).toBe(1.4);
  expect(describeProbe(video({ ...stream, start_time: '0' }, { format_name: MP4, start_time: '0.5' }), LIMITS).startTime).toBe(0);
  expect(describeProbe(video({ ...stream, start_time: '-0.04' }), LIMITS).startTime).toBe(-0.04);
  for (const unknown of ['', 'N/A', 'NaN', 'Infinity']) {
    expect(describeProbe(video({ ...stream, start_time: unknown }, { format_name: MP4, start_time: unknown }), LIMITS).startTime).toBe(0);
  }
});

test.each([
  ['a display matrix of -90 (a phone held upright)', { side_data_list: [{ rotation: -90 }] }, 90],
  ['a display matrix of 90', { side_data_list: [{ rotation: 90 }] }, 270],
  ['a display matrix of 180', { side_data_list: [{ rotation: 180 }] }, 180],
  ['a display matrix of -180', { side_data_list: [{ rotation: -180 }] }, 180],
  ['the older rotate tag, 90 clockwise', { tags: { rotate: '90' } }, 90],
  ['the rotate tag, 270', { tags: { rotate: '270' } }, 270],
  ['no rotation', {}, 0],
])('rotation from %s: %d degrees clockwise, and the upright size', (_, extra, rotation) => {
  const info = describeProbe(video({ codec_type: 'video', codec_name: 'hevc', width: 640, height: 360, avg_frame_rate: '30/1', ...extra }), LIMITS);
  expect(info.rotation).toBe(rotation);
  expect([info.width, info.height]).toEqual(rotation % 180 === 0 ? [640, 360] : [360, 640]);
});

test('frame rate from r_frame_rate when the average is 0/0; duration from the container; frame count from both', () => {
  const info = describeProbe(
    video(
      { codec_type: 'video', codec_name: 'vp9', width: 320, height: 240, avg_frame_rate: '0/0', r_frame_rate: '30000/1001' },
      { format_name: 'matroska,webm', duration: '10.010000' },
    ),
    LIMITS,
  );
  expect(info.frameRate).toBeCloseTo(29.97, 2);
  expect(info.durationSeconds).toBe(10.01);
  expect(info.frameCount).toBe(300);
  expect(info.container).toBe('matroska,webm');
});

test('a cover picture in the file is not its video stream', () => {
  const probe: ProbeJson = {
    streams: [
      { codec_type: 'audio', codec_name: 'mp3' },
      { codec_type: 'video', codec_name: 'mjpeg', width: 500, height: 500, disposition: { attached_pic: 1 } },
    ],
    format: { format_name: MP4, duration: '180' },
  };
  expect(refusal(probe)).toBe(
    `${ErrorCode.UNSUPPORTED_VIDEO}: The file has audio but no video stream. Send MP4/MOV/3GP, WebM/MKV, AVI, MPEG-TS, WMV (ASF), FLV or an animated GIF.`,
  );
});

test.each([
  [
    'a still JPEG',
    video({ codec_type: 'video', codec_name: 'mjpeg', width: 10, height: 10 }, { format_name: 'image2' }),
    'not a video container the service reads (image2)',
  ],
  ['a PNG', video({ codec_type: 'video', codec_name: 'png', width: 10, height: 10 }, { format_name: 'png_pipe' }), '(png_pipe)'],
  ['a RealMedia file', video({ codec_type: 'video', codec_name: 'rv40', width: 10, height: 10 }, { format_name: 'rm' }), '(rm)'],
  ['an MPEG program stream (DVD)', video({ codec_type: 'video', codec_name: 'mpeg2video', width: 10, height: 10 }, { format_name: 'mpeg' }), '(mpeg)'],
  ['nothing ffprobe named', { streams: [] }, '(unknown)'],
  ['an MP3', { streams: [{ codec_type: 'audio', codec_name: 'mp3' }], format: { format_name: 'mp3' } }, '(mp3)'],
  ['an M4A (audio in MP4)', { streams: [{ codec_type: 'audio', codec_name: 'aac' }], format: { format_name: MP4 } }, 'audio but no video stream'],
  ['an empty MKV', { streams: [], format: { format_name: 'matroska,webm' } }, 'no video stream'],
  ['a video stream without a size', video({ codec_type: 'video', codec_name: 'h264', width: 0, height: 0 }), 'no frame size'],
])('%s is UNSUPPORTED_VIDEO', (_, probe, why) => {
  expect(refusal(probe as ProbeJson)).toMatch(new RegExp(`^${ErrorCode.UNSUPPORTED_VIDEO}: .*${why.replace(/[()]/g, '\\$&')}`));
});

test('a frame over MAX_VIDEO_PIXELS is VIDEO_TOO_LARGE, with the frame and the limit; at the limit it is accepted', () => {
  const frame = (width: number, height: number) => video({ codec_type: 'video', codec_name: 'h264', width, height, avg_frame_rate: '25/1' });
  expect(refusal(frame(1920, 1080))).toBe('accepted');
  expect(refusal(frame(1920, 1081))).toBe(
    `${ErrorCode.VIDEO_TOO_LARGE}: Each frame is 1920x1081 (2075520 pixels); the limit is 2073600 pixels per frame (MAX_VIDEO_PIXELS).`,
  );
});

test('a declared duration over MAX_VIDEO_SECONDS is VIDEO_TOO_LONG, with both figures; the stream duration counts first', () => {
  const lasting = (stream: string | undefined, container: string) =>
    video({ codec_type: 'video', codec_name: 'h264', width: 64, height: 64, duration: stream }, { format_name: MP4, duration: container });
  expect(refusal(lasting('600', '900'))).toBe('accepted');
  expect(refusal(lasting('600.5', '1'))).toBe(`${ErrorCode.VIDEO_TOO_LONG}: The video lasts 600.5 s; the limit is 600 s (MAX_VIDEO_SECONDS).`);
  expect(refusal(lasting(undefined, '601'))).toMatch(/^VIDEO_TOO_LONG: The video lasts 601.0 s/);
  expect(refusal(lasting('N/A', '7'))).toBe('accepted');
});

test.each([
  ['MPEG-TS (recorders, HLS segments)', 'mpegts', 'mpegts'],
  ['WMV (ASF)', 'asf', 'asf'],
  ['FLV', 'flv', 'flv'],
  ['3GP and 3G2, read by the MP4 demuxer', 'mov,mp4,m4a,3gp,3g2,mj2', 'mov'],
])('%s is accepted, and read by its own demuxer only', (_, container, demuxer) => {
  const info = describeProbe(video({ codec_type: 'video', codec_name: 'h264', width: 64, height: 48, duration: '2' }, { format_name: container }), LIMITS);
  expect(info.container).toBe(container);
  expect(VIDEO_CONTAINERS[info.container]).toBe(demuxer);
});
