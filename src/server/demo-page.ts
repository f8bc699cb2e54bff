import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { log } from '../logger';

// The page loads only its own script and style and shows photos (blob:) and crops (data:).
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'";

/**
 * The demo page (web/, bundled into dist/web/ by `npm run build`) at GET /. Under ts-jest this
 * module runs from src/, so the built page is looked for in dist/ as well.
 */
export function demoPage(): RequestHandler | undefined {
  const root = path.resolve(__dirname, '../..');
  const dir = [path.join(root, 'web'), path.join(root, 'dist', 'web')].find((d) => fs.existsSync(path.join(d, 'demo.js')));
  if (!dir) {
    log.warn('the demo page is not built (npm run build): GET / is off');
    return undefined;
  }
  return express.static(dir, { index: 'index.html', setHeaders: (res) => res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY) });
}
