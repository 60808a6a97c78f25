import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from './guard';

/** Small response helpers; every one carries the security headers. */

export function headers(extra: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  return { ...SECURITY_HEADERS, ...extra };
}

export function sendText(res: ServerResponse, status: number, text: string, extra: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, headers({ 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', ...extra }));
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, extra: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, headers({ 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', ...extra }));
  res.end(body);
}
