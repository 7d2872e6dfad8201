import type http from 'node:http';
import { ApiError, internal } from '../errors.js';

export function sendJson(res: http.ServerResponse, code: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Any failure as a Kubernetes Status; unexpected ones are logged and answered 500. */
export function sendError(res: http.ServerResponse, err: unknown, onUnexpected: (err: unknown) => void): number {
  let e: ApiError;
  if (err instanceof ApiError) e = err;
  else {
    onUnexpected(err);
    e = internal(err instanceof Error ? err.message : String(err));
  }
  if (res.headersSent) {
    res.destroy();
    return e.code;
  }
  sendJson(res, e.code, e.toStatus());
  return e.code;
}

/** Kubernetes' `Warning` header: `299 - "text"`, one per warning. */
export function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}
