// A client's video as a temporary file that ffprobe and ffmpeg can seek in: an upload streamed to disk
// up to the byte limit, or a URL fetched through the SSRF guard. The caller removes the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCode, UserFacingError } from '../errors';
import { throwUploadFailure, type UploadedFile } from '../image/image-input';
import { writeCapped } from '../image/read-capped';

export interface VideoSource {
  upload?: Promise<UploadedFile> | null;
  url?: string | null;
}

export interface VideoReading {
  maxBytes: number;
  /** Streams a URL's body to a file, up to `maxBytes`; absent: URL input is off. */
  saveUrl?: (url: string, file: string, field: string[]) => Promise<void>;
}

const tooLarge = (maxBytes: number, field: string[]) =>
  new UserFacingError(ErrorCode.VIDEO_TOO_LARGE, `The video has more than ${maxBytes} bytes, the limit (MAX_VIDEO_BYTES).`, field);

/** Writes the video to a new temporary file and returns its path; on any failure nothing is left behind. */
export async function saveVideoInput(source: VideoSource, reading: VideoReading, field = ['video']): Promise<string> {
  const given = Object.entries(source).filter(([, v]) => v !== undefined && v !== null);
  if (given.length !== 1) throw new UserFacingError(ErrorCode.INVALID_INPUT, 'Set exactly one video source: `upload` or `url`.', field);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'facemark-video-'));
  const file = path.join(dir, 'input');
  try {
    if (source.upload) {
      const uploadField = [...field, 'upload'];
      const failed = throwUploadFailure(uploadField);
      await writeUpload(await source.upload.catch(failed), file, reading.maxBytes, uploadField).catch(failed);
    } else await writeFromUrl(source.url as string, file, reading, [...field, 'url']);
    if ((await fs.promises.stat(file)).size === 0) throw new UserFacingError(ErrorCode.UNSUPPORTED_VIDEO, 'The video file is empty.', field);
    return file;
  } catch (error) {
    await removeVideoFile(file);
    throw error;
  }
}

/** Removes a file `saveVideoInput` made, and its directory. */
export async function removeVideoFile(file: string): Promise<void> {
  await fs.promises.rm(path.dirname(file), { recursive: true, force: true });
}

/** Streams the upload to `file`; past the limit the rest is read and dropped, so the request ends cleanly. */
async function writeUpload(upload: UploadedFile, file: string, maxBytes: number, field: string[]) {
  const stream = upload.createReadStream();
  const within = await writeCapped(stream as AsyncIterable<Buffer>, file, maxBytes, { drain: true });
  // graphql-upload-minimal also cuts a stream at its own limit and marks it truncated.
  if (!within || stream.truncated) throw tooLarge(maxBytes, field);
}

async function writeFromUrl(url: string, file: string, reading: VideoReading, field: string[]) {
  if (!reading.saveUrl) throw new UserFacingError(ErrorCode.URL_NOT_ALLOWED, 'This server does not fetch URLs (URL_INPUT_ENABLED=false).', field);
  await reading.saveUrl(url, file, field);
}
