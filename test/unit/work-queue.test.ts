import { CancelledError, QueueFullError, WorkQueue } from '../../src/work-queue';

/** A queue whose batches finish only when the test says so, recording what each batch held. */
function controlledQueue(options: { concurrency: number; maxBatchSize: number; maxQueued: number }) {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const queue = new WorkQueue<number, number>({
    ...options,
    run: (items) => {
      batches.push(items);
      return new Promise((resolve) => finishers.push(() => resolve(items.map((i) => (i < 0 ? new Error(`bad ${i}`) : i * 10)))));
    },
  });
  const finishNext = async () => {
    finishers.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { queue, batches, finishNext };
}

test('a lone item runs at once; items that arrive while the workers are busy wait and go together', async () => {
  const { queue, batches, finishNext } = controlledQueue({ concurrency: 1, maxBatchSize: 3, maxQueued: 10 });
  const results = [1, 2, 3, 4, 5].map((i) => queue.submit(i));
  expect(batches).toEqual([[1]]);
  expect(queue.queued).toBe(4);
  expect(queue.running).toBe(1);
  await finishNext();
  expect(batches).toEqual([[1], [2, 3, 4]]);
  await finishNext();
  await finishNext();
  expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50]);
  expect(queue.running).toBe(0);
});

test('one batch runs per worker', async () => {
  const { queue, batches, finishNext } = controlledQueue({ concurrency: 2, maxBatchSize: 4, maxQueued: 10 });
  const results = [1, 2, 3].map((i) => queue.submit(i));
  expect(batches).toEqual([[1], [2]]);
  await finishNext();
  await finishNext();
  await finishNext();
  await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
});

test('past maxQueued waiting items, new ones are refused at once; running ones do not count', async () => {
  const { queue, finishNext } = controlledQueue({ concurrency: 1, maxBatchSize: 1, maxQueued: 2 });
  const accepted = [1, 2, 3].map((i) => queue.submit(i));
  expect(queue.full).toBe(true);
  await expect(queue.submit(4)).rejects.toBeInstanceOf(QueueFullError);
  expect(queue.counts.refused).toBe(1);
  await finishNext();
  expect(queue.full).toBe(false);
  const late = queue.submit(5);
  for (let i = 0; i < 3; i++) await finishNext();
  await expect(Promise.all([...accepted, late])).resolves.toEqual([10, 20, 30, 50]);
});

test('an item whose caller aborts while it waits is dropped; a running one finishes', async () => {
  const { queue, batches, finishNext } = controlledQueue({ concurrency: 1, maxBatchSize: 2, maxQueued: 10 });
  const request = new AbortController();
  const running = queue.submit(1, request.signal);
  const dropped = [2, 3].map((i) => queue.submit(i, request.signal));
  const other = queue.submit(4);
  request.abort();
  await Promise.all(dropped.map((p) => expect(p).rejects.toBeInstanceOf(CancelledError)));
  expect(queue.queued).toBe(1);
  await finishNext();
  await finishNext();
  expect(batches).toEqual([[1], [4]]);
  await expect(running).resolves.toBe(10);
  await expect(other).resolves.toBe(40);
  await expect(queue.submit(5, AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
  expect(queue.counts).toEqual({ started: 2, cancelled: 3, refused: 0 });
});

test('each item gets its own error; a failed or miscounted batch fails its items only', async () => {
  const { queue, finishNext } = controlledQueue({ concurrency: 1, maxBatchSize: 3, maxQueued: 10 });
  const first = queue.submit(0);
  const mixed = Promise.allSettled([-1, 2].map((i) => queue.submit(i)));
  await finishNext();
  await finishNext();
  await expect(first).resolves.toBe(0);
  expect(await mixed).toEqual([
    { status: 'rejected', reason: new Error('bad -1') },
    { status: 'fulfilled', value: 20 },
  ]);

  let calls = 0;
  const broken = new WorkQueue<number, number>({
    concurrency: 1,
    maxBatchSize: 2,
    maxQueued: 10,
    run: (items) => (++calls === 1 ? Promise.reject(new Error('worker died')) : Promise.resolve(items.length === 1 ? [] : items)),
  });
  await expect(broken.submit(1)).rejects.toThrow('worker died');
  await expect(broken.submit(2)).rejects.toThrow('0 results for a batch of 1');
  expect(broken.running).toBe(0);
});
