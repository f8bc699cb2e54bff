// The engine's front door: images wait here, bounded, until a worker is free, and then go to it
// together. Batching only what is already waiting costs a lone request nothing, and under load it
// lets one inference serve several images (see MAX_MESH_BATCH in mediapipe-engine.ts).

/** Thrown by `submit` when the queue is full: the caller should answer "busy, retry later" at once. */
export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`${limit} images are already waiting for the engine`);
    this.name = 'QueueFullError';
  }
}

/** The reason a queued item was dropped because its caller went away. */
export class CancelledError extends Error {
  constructor() {
    super('the request was cancelled before its image reached the engine');
    this.name = 'CancelledError';
  }
}

export interface WorkQueueOptions<I, R> {
  /** Runs one batch; answers one result or Error per item, in order. */
  run(items: I[]): Promise<ReadonlyArray<R | Error>>;
  /** Batches running at once (one per worker). */
  concurrency: number;
  /** Items per batch at most. */
  maxBatchSize: number;
  /** Items waiting (not yet running) at most; past it `submit` throws QueueFullError. */
  maxQueued: number;
}

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: Error): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class WorkQueue<I, R> {
  private readonly waiting: Array<Waiting<I, R>> = [];
  private runningBatches = 0;
  private runningItems = 0;
  /** Items counted since start, for metrics and tests. */
  readonly counts = { started: 0, cancelled: 0, refused: 0 };

  constructor(private readonly options: WorkQueueOptions<I, R>) {}

  /** Items waiting for a worker. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Items in batches that are running. */
  get running(): number {
    return this.runningItems;
  }

  /** True while a new item would be refused. */
  get full(): boolean {
    return this.waiting.length >= this.options.maxQueued;
  }

  /**
   * The item's result once a batch has run it. An item whose signal aborts while it waits is dropped
   * (CancelledError); once running, it runs to the end.
   */
  submit(item: I, signal?: AbortSignal): Promise<R> {
    if (signal?.aborted) {
      this.counts.cancelled++;
      return Promise.reject(new CancelledError());
    }
    if (this.full) {
      this.counts.refused++;
      return Promise.reject(new QueueFullError(this.options.maxQueued));
    }
    return new Promise<R>((resolve, reject) => {
      const entry: Waiting<I, R> = { item, resolve, reject, signal };
      if (signal) {
        entry.onAbort = () => {
          const index = this.waiting.indexOf(entry);
          if (index < 0) return;
          this.waiting.splice(index, 1);
          this.counts.cancelled++;
          reject(new CancelledError());
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.waiting.push(entry);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.runningBatches < this.options.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatchSize);
      batch.forEach((entry) => entry.onAbort && entry.signal?.removeEventListener('abort', entry.onAbort));
      this.runningBatches++;
      this.runningItems += batch.length;
      this.counts.started += batch.length;
      void this.runBatch(batch).finally(() => {
        this.runningBatches--;
        this.runningItems -= batch.length;
        this.dispatch();
      });
    }
  }

  private async runBatch(batch: Array<Waiting<I, R>>): Promise<void> {
    try {
      const results = await this.options.run(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new Error(`${results.length} results for a batch of ${batch.length}`);
      batch.forEach((entry, i) => {
        const result = results[i] as R | Error;
        if (result instanceof Error) entry.reject(result);
        else entry.resolve(result);
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      batch.forEach((entry) => entry.reject(failure));
    }
  }
}
