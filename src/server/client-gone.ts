import type { Response } from 'express';

/**
 * Aborts when the client goes away (closes the connection or aborts the request) before its
 * response is complete, so work it no longer waits for can be dropped.
 */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
