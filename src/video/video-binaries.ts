// The ffmpeg and ffprobe binaries: the configured ones, or those the npm packages ship (so that
// `npm ci && npm start` analyses video on a fresh machine with nothing else installed).
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import ffprobe from '@ffprobe-installer/ffprobe';

export function videoBinaries(configured: { ffmpegPath?: string; ffprobePath?: string }): { ffmpegPath: string; ffprobePath: string } {
  return { ffmpegPath: configured.ffmpegPath ?? ffmpeg.path, ffprobePath: configured.ffprobePath ?? ffprobe.path };
}
