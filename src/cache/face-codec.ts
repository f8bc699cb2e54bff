// Provider answers as Redis strings: JSON, with each mesh's Float32Array as base64 (its exact bits,
// a quarter of the size of its numbers in JSON).
import type { ProviderFace } from '../providers/provider';

interface StoredFace extends Omit<ProviderFace, 'mesh'> {
  mesh?: string;
}

export function encodeFaces(faces: readonly ProviderFace[]): string {
  const stored: StoredFace[] = faces.map(({ mesh, ...face }) => ({
    ...face,
    mesh: mesh && meshToText(mesh),
  }));
  return JSON.stringify(stored);
}

export function decodeFaces(text: string): ProviderFace[] {
  const stored = JSON.parse(text) as StoredFace[];
  return stored.map(({ mesh, ...face }) => {
    return mesh === undefined ? face : { ...face, mesh: meshFromText(mesh) };
  });
}

export const meshToText = (mesh: Float32Array) => Buffer.from(mesh.buffer, mesh.byteOffset, mesh.byteLength).toString('base64');

export function meshFromText(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  // Copied into its own buffer: Float32Array needs 4-byte alignment, which a pooled Buffer may lack.
  const floats = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(floats.buffer).set(bytes);
  return floats;
}
