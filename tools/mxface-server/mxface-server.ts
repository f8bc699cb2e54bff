import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { DetectionRunner } from '../../src/detection/detection-runner';
import { ImageFileFormat } from '../../src/image/image-format';
import { EmbeddedProvider } from '../../src/providers/embedded/embedded.provider';
import type { FaceDetector } from '../../src/providers/provider';
import { Providers } from '../../src/providers/providers';
import { FaultInjector, type Faults } from './fault-injection';
import { createMxfaceRouter } from '../../src/mxface-compat/mxface-router';
import { ApiKeys } from '../../src/access/api-keys';

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface MxfaceServerOptions {
  host?: string;
  port?: number;
  /** Accepted subscription keys. */
  keys: string[];
  /** Engine worker threads (ignored when `provider` is given). */
  threads?: number;
  provider?: FaceDetector;
  faults?: Partial<Faults>;
}

export interface MxfaceServer {
  url: string;
  faults: FaultInjector;
  /** Every request that passed the key check, in order. */
  requests: RecordedRequest[];
  /** The most requests that were in progress at once since the last clear. */
  maxInFlight(): number;
  /** Forgets recorded requests and the in-flight maximum. */
  clearRequests(): void;
  stop(): Promise<void>;
}

/**
 * A local stand-in for the MXFace cloud: the vendor's contract (JPEG/PNG/BMP, key header, 10 MB,
 * `{code, error}` envelopes) answered by the embedded engine, with fault injection. Control endpoints
 * for tests: `PUT /__faults` (JSON patch of Faults), `DELETE /__faults`, `GET|DELETE /__requests`.
 */
export async function startMxfaceServer(options: MxfaceServerOptions): Promise<MxfaceServer> {
  const providers = new Providers(options.provider ?? new EmbeddedProvider({ threads: options.threads ?? 1, engine: 'mediapipe' }));
  await providers.start();
  // The service's default detection size, so the stand-in sees what the embedded provider sees.
  const detector = new DetectionRunner(providers, { maxPixels: 40_000_000, maxSide: 1280 });
  const faults = new FaultInjector();
  faults.set(options.faults ?? {});
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const record: RequestHandler = (req, res, next) => {
    requests.push({ path: req.originalUrl, headers: { ...req.headers }, body: req.body });
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    res.once('close', () => inFlight--);
    void faults.middleware(req, res, next);
  };

  const app = express();
  app.disable('x-powered-by');
  app.put('/__faults', express.json(), (req, res) => {
    faults.set(req.body as Partial<Faults>);
    res.json(faults.faults);
  });
  app.delete('/__faults', (_req, res) => {
    faults.reset();
    res.json(faults.faults);
  });
  app.get('/__requests', (_req, res) => {
    res.json(requests);
  });
  const clearRequests = () => {
    requests.length = 0;
    maxInFlight = 0;
  };
  app.delete('/__requests', (_req, res) => {
    clearRequests();
    res.status(204).end();
  });
  app.use(
    createMxfaceRouter({
      detector,
      keys: ApiKeys.from(options.keys),
      reading: { maxBytes: 10 * 1024 * 1024 },
      formats: [ImageFileFormat.JPEG, ImageFileFormat.PNG, ImageFileFormat.BMP],
      beforeDetect: record,
      shapeResponse: faults.shape,
    }),
  );

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    faults,
    requests,
    maxInFlight: () => maxInFlight,
    clearRequests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await providers.close();
    },
  };
}
