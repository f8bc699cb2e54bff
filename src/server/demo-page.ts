import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { log } from '../logger';
import { buildOutput } from '../build-output';

// The page loads only its own script and style, shows photos and the video (blob:) and crops (data:),
// and talks to its own server (the subscription's WebSocket included: CSP 3's 'self' covers ws: to it).
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'";

/** The demo page (web/, bundled into dist/web/ by `npm run build`) at GET /. */
export function demoPage(): RequestHandler | undefined {
  const script = buildOutput('web/demo.js');
  if (!script) {
    log.warn('the demo page is not built (npm run build): GET / is off');
    return undefined;
  }
  return express.static(path.dirname(script), { index: 'index.html', setHeaders: (res) => res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY) });
}
