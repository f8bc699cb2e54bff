import { PhotoTraffic } from '../../src/detection/photo-traffic';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ([resolve, reject] = [res, rej]));
  return { promise, resolve, reject };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether the promise has settled after the pending timers and callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await sleep(5);
  return done;
}

test('with no photo in flight, a frame goes on at once', async () => {
  const traffic = new PhotoTraffic(0);
  let order: string[] = [];
  const timer = sleep(0).then(() => order.push('timer'));
  await traffic.quiet(10_000).then(() => order.push('quiet'));
  await timer;
  expect(order).toEqual(['quiet', 'timer']);
  expect(await settled(new PhotoTraffic().quiet(10_000))).toBe(true);
  // And once the photos have passed.
  await traffic.carry(async () => 'answer');
  order = [];
  await traffic.quiet(10_000).then(() => order.push('quiet'));
  expect(order).toEqual(['quiet']);
});

test('a frame waits until every photo in flight has settled, answers and failures alike', async () => {
  const traffic = new PhotoTraffic(0);
  const [first, second] = [deferred<string>(), deferred<string>()];
  const answers = [traffic.carry(() => first.promise), traffic.carry(() => second.promise).catch((error: Error) => error.message)];
  const waiting = traffic.quiet(10_000);
  expect(await settled(waiting)).toBe(false);
  first.resolve('faces');
  expect(await settled(waiting)).toBe(false);
  second.reject(new Error('engine failed'));
  expect(await settled(waiting)).toBe(true);
  // The photos get their own outcomes.
  expect(await Promise.all(answers)).toEqual(['faces', 'engine failed']);
});

test('every waiting frame is let go together', async () => {
  const traffic = new PhotoTraffic(0);
  const photo = deferred();
  void traffic.carry(() => photo.promise);
  const waits = [traffic.quiet(10_000), traffic.quiet(10_000), traffic.quiet(10_000)];
  photo.resolve();
  expect(await Promise.all(waits.map(settled))).toEqual([true, true, true]);
});

test('the wait is bounded: photos that keep coming slow a video down, never stop it', async () => {
  const traffic = new PhotoTraffic(0);
  const photo = deferred();
  void traffic.carry(() => photo.promise);
  const started = performance.now();
  await traffic.quiet(60);
  const waited = performance.now() - started;
  expect(waited).toBeGreaterThanOrEqual(55);
  expect(waited).toBeLessThan(2000);
  // A frame that gave up waiting is not let go twice (nor is anything else) when the photo ends.
  const later = traffic.quiet(10_000);
  photo.resolve();
  expect(await settled(later)).toBe(true);
});

test('the engine counts as busy a little after the last photo: a client sending photos one after another keeps it', async () => {
  const traffic = new PhotoTraffic(80);
  await traffic.carry(async () => 'faces');
  const started = performance.now();
  const waiting = traffic.quiet(10_000);
  expect(await settled(waiting)).toBe(false);
  // The next photo comes within the linger: the frame waits for it too, then for the linger again.
  const photo = deferred();
  const next = traffic.carry(() => photo.promise);
  await sleep(100);
  expect(await settled(waiting)).toBe(false);
  photo.resolve();
  await next;
  await waiting;
  const waited = performance.now() - started;
  expect(waited).toBeGreaterThanOrEqual(100 + 80 - 5);
  expect(waited).toBeLessThan(2000);
  // Once the linger is over, frames go on at once.
  expect(await settled(traffic.quiet(10_000))).toBe(true);
});
