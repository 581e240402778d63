import type { IncomingMessage } from 'node:http';

/** Names that always reach the backend: loopback, however it is spelt. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Whether the request's `Host` names this machine as the backend knows it: a loopback name or one of
 * `allowed` (any port: a proxy in front may listen on another one, and the port does not help
 * against DNS rebinding, where a foreign name is made to point at 127.0.0.1). A request without
 * `Host` comes from no browser and is let through. Answers the refused host name, or undefined.
 */
export function refusedHost(
  req: IncomingMessage,
  allowed: readonly string[] | true,
): string | undefined {
  const header = req.headers.host;
  if (allowed === true || header === undefined || header === '') return undefined;
  const name = hostName(header);
  if (LOOPBACK_HOSTS.includes(name) || allowed.some((a) => hostName(a) === name)) return undefined;
  return name;
}

/** `Example.COM:8080` → `example.com`; `[::1]:80` → `[::1]`. */
function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return (colon === -1 ? lower : lower.slice(0, colon)).replace(/\.$/, '');
}
