// GET /videos/{id}/landmarks.csv and .jsonl: a finished job's faces, one row per face per frame,
// streamed, for the API key that started the job.
import express, { type Request, type Response } from 'express';
import type { ApiKeys } from '../access/api-keys';
import type { ImageRateLimiter } from '../access/image-rate-limiter';
import { CSV_HEADER, csvRow, facesByFrame, jsonRow } from '../video/landmark-rows';
import type { VideoJob, VideoJobService } from '../video/video-job';
import type { FaceTrackData } from '../video/video-analysis';
import { UserFacingError } from '../errors';
import { identifyClient, type Refuse } from './access';
import { recordOf } from './request-record';

const refuseAsJson: Refuse = (res, status, message, code) => void res.status(status).json({ error: { code, message } });

export function videoDownloads(jobs: VideoJobService, keys: ApiKeys, limiter: ImageRateLimiter, keyOf: (req: Request) => string | undefined): express.Router {
  const router = express.Router();
  router.get('/videos/:id/landmarks.:format', identifyClient(keys, limiter, keyOf, refuseAsJson), async (req: Request, res: Response) => {
    const format = req.params.format;
    if (format !== 'csv' && format !== 'jsonl')
      return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Ask for landmarks.csv or landmarks.jsonl.' } });
    let job: VideoJob | undefined;
    let tracks: FaceTrackData[] = [];
    try {
      job = await jobs.get(String(req.params.id), recordOf(res)!.client);
      if (job?.status === 'SUCCEEDED') tracks = await job.tracks();
    } catch (error) {
      // The shared job queue unreachable (VIDEO_QUEUE_UNAVAILABLE): worth a retry.
      if (!(error instanceof UserFacingError)) throw error;
      return void res
        .status(503)
        .set('Retry-After', '5')
        .json({ error: { code: error.code, message: error.message } });
    }
    if (!job) return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No video job with this id for this API key (it may have expired).' } });
    if (job.status !== 'SUCCEEDED') {
      return void res.status(409).json({ error: { code: 'NOT_READY', message: `The job is ${job.status}; results exist once it has SUCCEEDED.` } });
    }
    res.type(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    res.set('Content-Disposition', `attachment; filename="${job.id}-landmarks.${format}"`);
    const lines = facesByFrame(tracks);
    if (format === 'csv') res.write(`${CSV_HEADER}\n`);
    // Written in chunks, pausing while the client reads: a long clip never becomes one string.
    const pump = () => {
      let chunk = '';
      for (let next = lines.next(); !next.done; next = lines.next()) {
        chunk += `${format === 'csv' ? csvRow(next.value) : jsonRow(next.value)}\n`;
        if (chunk.length > 64 * 1024) {
          const more = res.write(chunk);
          chunk = '';
          if (!more) return void res.once('drain', pump);
        }
      }
      res.end(chunk);
    };
    pump();
  });
  return router;
}
