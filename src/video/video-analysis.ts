// A clip's faces, frame by frame: detection on each analysed frame, identity across frames from the
// tracker, points smoothed over time per track, scene cuts ending tracks.
import { selectFaces } from '../detection/detection-options';
import type { Box, Point } from '../geometry/geometry';
import { headPoseFromMesh, estimateHeadPose, type HeadPose } from '../geometry/head-pose';
import { fivePointsFrom68, type FivePoints } from '../geometry/landmarks';
import type { CheckedImage, DetectionPixels, RgbImage } from '../image/image-decoder';
import { ImageFileFormat } from '../image/image-format';
import { packMesh, unpackMesh } from '../providers/embedded/mediapipe/face-mesh';
import type { DetectionSettings, FaceDetector, ProviderFace } from '../providers/provider';
import { FaceTracker } from './face-tracker';
import { PointSmoother, type OneEuroParameters } from './one-euro-filter';
import { isSceneCut, thumbnail } from './scene-cut';
import { decodeFrames, type DecodeEnd } from './video-decoder';
import type { VideoInfo } from './video-probe';
import sharp from 'sharp';

/** One face in one frame of a track. Coordinates are pixels of the upright frame. */
export interface TrackedFaceData {
  frame: number;
  time: number;
  box: Box;
  confidence: number;
  fivePoints: FivePoints;
  points68?: Point[];
  /** The 478-point mesh, packed x, y, z. */
  mesh?: Float32Array;
  pose: HeadPose;
}

export interface FaceTrackData {
  id: string;
  faces: TrackedFaceData[];
}

export interface AnalysisOptions {
  ffmpegPath: string;
  file: string;
  info: VideoInfo;
  sampleFps?: number;
  smoothing: boolean;
  settings: DetectionSettings;
  detector: FaceDetector;
  /** The longer side frames are scaled to for detection (as for photos). */
  detectionMaxSide: number;
  signal?: AbortSignal;
  /** After each analysed frame: frames analysed, and the fraction of the clip done. */
  onProgress?: (framesAnalysed: number, fraction: number) => void;
}

export interface AnalysisResult {
  tracks: FaceTrackData[];
  framesAnalysed: number;
  decode: DecodeEnd;
}

/** Measured on still and moving faces (docs/video.md): jitter down to a third, little lag. */
export const SMOOTHING: OneEuroParameters = { minCutoff: 0.5, beta: 20, derivativeCutoff: 1 };
const TRACKING = { minIou: 0.3, maxMissedFrames: 5 };

export async function analyseVideo(options: AnalysisOptions): Promise<AnalysisResult> {
  const { info } = options;
  const tracker = new FaceTracker(TRACKING);
  const tracks = new Map<string, FaceTrackData & { smoother68: PointSmoother; smootherMesh: PointSmoother }>();
  const frames = decodeFrames({ ffmpegPath: options.ffmpegPath, file: options.file, info, sampleFps: options.sampleFps, signal: options.signal });
  let previous: Float32Array | undefined;
  let analysed = 0;
  let next = await frames.next();
  while (!next.done) {
    const frame = next.value;
    const thumb = thumbnail(frame.image);
    if (previous && isSceneCut(previous, thumb)) tracker.cut();
    previous = thumb;
    const [found] = await options.detector.detect([frameImage(frame.image, frame.index, options.detectionMaxSide)], options.settings, options.signal);
    if (found instanceof Error) throw found;
    const faces = selectFaces(found ?? [], options.settings);
    const ids = tracker.update(faces.map((f) => f.box));
    faces.forEach((face, k) => {
      const id = ids[k]!;
      let track = tracks.get(id);
      if (!track) {
        track = { id, faces: [], smoother68: new PointSmoother(SMOOTHING), smootherMesh: new PointSmoother(SMOOTHING) };
        tracks.set(id, track);
      }
      track.faces.push(trackedFace(face, frame.index, frame.time, options.smoothing ? track : undefined));
    });
    analysed++;
    options.onProgress?.(analysed, info.durationSeconds > 0 ? Math.min(0.999, frame.time / info.durationSeconds) : 0);
    next = await frames.next();
  }
  return { tracks: [...tracks.values()].map(({ id, faces }) => ({ id, faces })), framesAnalysed: analysed, decode: next.value };
}

function trackedFace(face: ProviderFace, frame: number, time: number, smoothers?: { smoother68: PointSmoother; smootherMesh: PointSmoother }): TrackedFaceData {
  const size = Math.max(face.box.width, face.box.height);
  const points68 = face.points68 && smoothers ? smoothers.smoother68.smooth(face.points68, size, time) : face.points68;
  // Smoothed in x and y; depth passes as found.
  const meshPoints = face.mesh && unpackMesh(face.mesh);
  const smoothedMesh =
    meshPoints && smoothers ? smoothers.smootherMesh.smooth(meshPoints, size, time).map((p, i) => ({ ...p, z: meshPoints[i]!.z })) : meshPoints;
  const mesh = smoothedMesh && smoothers ? packMesh(smoothedMesh) : face.mesh;
  const fivePoints = points68 ? fivePointsFrom68(points68) : face.fivePoints!;
  const pose = smoothedMesh ? headPoseFromMesh(smoothedMesh) : estimateHeadPose(fivePoints);
  return { frame, time, box: face.box, confidence: face.confidence, fivePoints, points68, mesh, pose };
}

/** A decoded frame as the image the detector takes: scaled to the detection size on first use. */
function frameImage(image: RgbImage, index: number, maxSide: number): CheckedImage {
  const full: DetectionPixels = { ...image, scale: 1 };
  const longer = Math.max(image.width, image.height);
  let pixels: Promise<DetectionPixels> | undefined;
  return {
    info: { sha256: `frame ${index}`, byteLength: image.data.length, format: ImageFileFormat.PNG, orientation: 1, width: image.width, height: image.height },
    bytes: image.data,
    upright: async () => full,
    pixels: () =>
      (pixels ??=
        longer <= maxSide
          ? Promise.resolve(full)
          : sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
              .resize({ width: maxSide, height: maxSide, fit: 'inside' })
              .raw()
              .toBuffer({ resolveWithObject: true })
              .then(({ data, info }) => ({ data, width: info.width, height: info.height, scale: image.width / info.width }))),
  };
}
