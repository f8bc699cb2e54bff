// Landmark accuracy on faces annotated by people (helen-dev, and the same faces small in helen-small),
// through GraphQL over HTTP: the figures the default engine is tuned and judged on. The engine is
// deterministic on a runtime: each bound is the measured figure plus 5 %.
import { measureAccuracy } from './support/accuracy';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

test('helen-dev: every face found; NME 5-pt <= 2.97 %, 68-pt <= 5.31 %, 51 inner <= 3.77 % (measured 2.83, 5.06, 3.59)', async () => {
  const accuracy = await measureAccuracy(server, 'helen-dev');
  expect(accuracy.annotated).toBe(80);
  expect(accuracy.missed).toEqual([]);
  expect(accuracy.five).toBeLessThanOrEqual(2.97);
  expect(accuracy.all68).toBeLessThanOrEqual(5.31);
  expect(accuracy.inner51).toBeLessThanOrEqual(3.77);
});

test('helen-small (eye distances 20-60 px): every face found; NME 5-pt <= 3.15 %, 68-pt <= 5.58 % (measured 3.00, 5.31)', async () => {
  const accuracy = await measureAccuracy(server, 'helen-small');
  expect(accuracy.annotated).toBe(80);
  expect(accuracy.missed).toEqual([]);
  expect(accuracy.five).toBeLessThanOrEqual(3.15);
  expect(accuracy.all68).toBeLessThanOrEqual(5.58);
  expect(accuracy.inner51).toBeLessThanOrEqual(4.03);
});
