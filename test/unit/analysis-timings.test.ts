import { emptyTimings, PhaseClock } from '../../src/video/analysis-timings';

// A clock the test moves by hand: performance.now() reads `now`.
let now = 0;
beforeEach(() => {
  now = 1000;
  jest.spyOn(performance, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

test('a wait counts its time, less the work run while it waited, which counts as its own phase', async () => {
  const timings = emptyTimings();
  const clock = new PhaseClock(timings);
  let release!: (v: string) => void;
  const meshes = new Promise<string>((resolve) => (release = resolve));
  const waited = clock.wait('meshes', meshes);
  now += 10;
  clock.run('points and smoothing', () => (now += 4));
  now += 6;
  release('done');
  expect(await waited).toBe('done');
  // 20 ms waited, of which 4 ran the smoothing.
  expect(timings.meshes).toBe(16);
  expect(timings['points and smoothing']).toBe(4);
  // Work run outside a wait takes nothing off the next one.
  clock.run('points and smoothing', () => (now += 3));
  const decoded = clock.wait(
    'decode',
    Promise.resolve().then(() => (now += 5)),
  );
  await decoded;
  expect(timings.decode).toBe(5);
  expect(timings['points and smoothing']).toBe(7);
});

test('a failed phase still counts; without timings nothing is counted', async () => {
  const timings = emptyTimings();
  const clock = new PhaseClock(timings);
  await expect(
    clock.wait(
      'detector',
      Promise.resolve().then(() => ((now += 8), Promise.reject(new Error('engine down')))),
    ),
  ).rejects.toThrow('engine down');
  expect(timings.detector).toBe(8);
  const failing = () => {
    now += 2;
    throw new Error('bad');
  };
  expect(() => clock.run('follow back', failing)).toThrow('bad');
  expect(timings['follow back']).toBe(2);
  const untimed = new PhaseClock();
  expect(untimed.run('decode', () => 42)).toBe(42);
  await expect(untimed.wait('decode', Promise.resolve(7))).resolves.toBe(7);
});
