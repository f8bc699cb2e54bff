import { registerEnumType } from 'type-graphql';

export enum VideoJobStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(VideoJobStatus, {
  name: 'VideoJobStatus',
  description: 'Where a video job is.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for the jobs before it.' },
    RUNNING: { description: 'Frames are being analysed; `progress` and `framesAnalysed` move.' },
    SUCCEEDED: { description: 'Done: `tracks` holds every face. `userErrors` may still say the clip broke off (VIDEO_DECODE_FAILED) after the frames kept.' },
    FAILED: { description: 'Nothing could be analysed; `userErrors` says why.' },
    CANCELLED: { description: 'Stopped by `cancelVideoJob`; no more frames are decoded.' },
  },
});
