// Where a queued job's clip waits for the replicas that analyse its segments: in Redis (a small clip,
// nothing else to run) or in a directory every replica mounts (VIDEO_STORAGE_DIR, any size). ffmpeg
// seeks in a file, so a replica copies a clip kept in Redis to a local file once, shared by the
// segments of that job it runs, and removes it when the last one is done.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { ErrorCode, UserFacingError } from '../errors';

export interface SharedClipsOptions {
  /** A directory every replica mounts; undefined: clips in Redis. */
  dir?: string;
  /** The largest clip kept in Redis. */
  redisMaxBytes: number;
  /** How long a clip in Redis outlives a job that never ends (a safety net: a job's end removes it). */
  ttlSeconds: number;
}

const clipKey = (id: string) => `facemark:video:${id}:clip`;

export class SharedClips {
  /** Local copies of clips kept in Redis: the file, and how many segments use it. */
  private readonly local = new Map<string, { file: Promise<string>; users: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly options: SharedClipsOptions,
  ) {}

  /** Moves the local `file` (removed on success) to where every replica reads it. */
  async put(id: string, file: string): Promise<void> {
    const { size } = await fs.promises.stat(file);
    if (this.options.dir) {
      await fs.promises.copyFile(file, path.join(this.options.dir, id));
    } else if (size > this.options.redisMaxBytes) {
      throw new UserFacingError(
        ErrorCode.VIDEO_TOO_LARGE,
        `The video has ${size} bytes; this service keeps clips of at most ${this.options.redisMaxBytes} bytes in Redis for its replicas (VIDEO_REDIS_MAX_BYTES; VIDEO_STORAGE_DIR takes larger ones).`,
        ['video'],
      );
    } else {
      await this.redis.set(clipKey(id), await fs.promises.readFile(file), 'EX', this.options.ttlSeconds);
    }
  }

  /** A local path of the clip, until `release(id)`. */
  async open(id: string): Promise<string> {
    if (this.options.dir) return path.join(this.options.dir, id);
    let copy = this.local.get(id);
    if (!copy) {
      copy = { file: this.copyFromRedis(id), users: 0 };
      this.local.set(id, copy);
      copy.file.catch(() => this.local.delete(id));
    }
    copy.users++;
    return copy.file;
  }

  release(id: string): void {
    const copy = this.local.get(id);
    if (!copy || --copy.users > 0) return;
    this.local.delete(id);
    void copy.file.then((file) => fs.promises.rm(path.dirname(file), { recursive: true, force: true })).catch(() => undefined);
  }

  /** Removes the shared clip (the job has ended). */
  async remove(id: string): Promise<void> {
    if (this.options.dir) await fs.promises.rm(path.join(this.options.dir, id), { force: true });
    else await this.redis.del(clipKey(id));
  }

  private async copyFromRedis(id: string): Promise<string> {
    const bytes = await this.redis.getBuffer(clipKey(id));
    if (!bytes) throw new Error(`the clip of video job ${id} is gone from Redis`);
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'facemark-segment-'));
    const file = path.join(dir, 'input');
    await fs.promises.writeFile(file, bytes);
    return file;
  }
}
