import type { Identity } from '../rpc.ts';
import { RELAY_VERSION } from './relay.ts';

/**
 * The lock and channel name shared by the tabs of one identity:
 * `hero-messaging/stream/v<RELAY_VERSION>/<hash>`, where `hash` is 16 hex digits (64 bits, two 32-bit
 * FNV-1a variants) of `origin + path` of the osis-url (resolved against `base`, no query, no trailing
 * slash), the context and the public key, joined by newlines. Hashed so the names stay short and free
 * of separators, and devtools' lists of locks and channels do not show who is signed in. Not a secret:
 * a collision (odds about 1 in 10^18 for ten identities in one browser) would merge two streams.
 */
export function sharedStreamName(identity: Identity, base: string | undefined): string {
  const text = [
    normalizeOsisUrl(identity.baseUrl, base),
    identity.context,
    identity.publicKey,
  ].join('\n');
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `hero-messaging/stream/v${RELAY_VERSION}/${hex(a)}${hex(b)}`;
}

/** `''`, `/` and `https://Host:443/osis/` all name one server as `origin + path`. */
export function normalizeOsisUrl(baseUrl: string, base: string | undefined): string {
  try {
    const url = new URL(baseUrl || '/', base);
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}
