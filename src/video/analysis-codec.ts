// A segment's analysis as text, for a BullMQ job's return value and the results kept in Redis: JSON,
// each mesh's Float32Array as base64 (its exact bits), so a decoded analysis equals the one encoded.
import { meshFromText, meshToText } from '../cache/face-codec';
import type { AnalysisResult, TrackedFaceData } from './video-analysis';

type StoredFace = Omit<TrackedFaceData, 'mesh'> & { mesh?: string };

export function encodeAnalysis(result: AnalysisResult): string {
  return JSON.stringify(result, (key, value: unknown) => (key === 'mesh' && value instanceof Float32Array ? meshToText(value) : value));
}

export function decodeAnalysis(text: string): AnalysisResult {
  const result = JSON.parse(text) as AnalysisResult;
  for (const track of result.tracks) {
    for (const face of track.faces as StoredFace[]) if (typeof face.mesh === 'string') (face as TrackedFaceData).mesh = meshFromText(face.mesh);
  }
  return result;
}
