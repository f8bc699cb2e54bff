// Landmark accuracy on faces annotated by people (helen-dev), through GraphQL over HTTP: the figures
// the default engine is tuned and judged on.
import { measureAccuracy } from './support/accuracy';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

test('helen-dev: every annotated face found, 5-point NME <= 3.7 % and 68-point NME <= 7.7 %', async () => {
  const accuracy = await measureAccuracy(server, 'helen-dev');
  expect(accuracy.annotated).toBe(80);
  expect(accuracy.missed).toEqual([]);
  expect(accuracy.five).toBeLessThanOrEqual(3.7);
  expect(accuracy.all68).toBeLessThanOrEqual(7.7);
});
