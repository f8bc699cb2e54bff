import { decodeFaces, encodeFaces } from '../../src/cache/face-codec';

test('cached answers come back exactly as the provider gave them, meshes bit for bit', () => {
  const mesh = new Float32Array([1.1, -2.25, 3e-7, Math.PI, 0, 1e6]);
  const faces = [
    { box: { x: 1.5, y: 2, width: 30, height: 40 }, confidence: 0.97, quality: 0.5, points68: [{ x: 1, y: 2 }], mesh },
    { box: { x: 0, y: 0, width: 1, height: 1 }, confidence: 1, quality: 0, fivePoints: undefined },
  ];
  const decoded = decodeFaces(encodeFaces(faces));
  expect(decoded[0]?.mesh).toBeInstanceOf(Float32Array);
  expect(Array.from(decoded[0]?.mesh ?? [])).toEqual(Array.from(mesh));
  expect({ ...decoded[0], mesh: undefined }).toEqual({ ...faces[0], mesh: undefined });
  expect(decoded[1]).toEqual({ box: { x: 0, y: 0, width: 1, height: 1 }, confidence: 1, quality: 0 });
  expect(decodeFaces(encodeFaces([]))).toEqual([]);
});
