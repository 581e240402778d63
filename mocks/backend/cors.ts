import type { IncomingMessage, ServerResponse } from 'node:http';

/** Origins allowed by default: any port on localhost and 127.0.0.1. */
export const DEFAULT_ALLOWED_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

/**
 * Whether `origin` matches one of `patterns`: exact, or `scheme://host:*` for any port (or none).
 */
export function isAllowedOrigin(origin: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    if (!pattern.endsWith(':*')) return origin === pattern;
    const base = pattern.slice(0, -2);
    return (
      origin === base ||
      (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1)))
    );
  });
}

/**
 * Adds CORS headers for an allowed origin; others get none. Answers preflight requests and returns
 * true when it did.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  patterns: readonly string[],
): boolean {
  const origin = req.headers.origin;
  const allowed = typeof origin === 'string' && isAllowedOrigin(origin, patterns);
  res.setHeader('Vary', 'Origin');
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Content-Type');
  }
  if (req.method !== 'OPTIONS') return false;
  if (allowed) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader(
      'Access-Control-Allow-Headers',
      'Content-Type, X-Hero-Context, X-Public-Key, Last-Event-ID',
    );
    res.setHeader('Access-Control-Max-Age', '600');
  }
  res.writeHead(204).end();
  return true;
}
