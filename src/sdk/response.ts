/** The media type of a `Content-Type` value: lower case, parameters dropped (RFC 9110 §8.3.1). */
export function mediaType(contentType: string | null): string | undefined {
  if (contentType === null) return undefined;
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}

/**
 * Why a response that is a redirect is refused, or `undefined` when it is not one. Requests go out
 * with `redirect: 'manual'`: following would send the identity headers wherever the server points,
 * another origin included. Same-origin redirects are refused too: the configured URL is the one to
 * fix, and a browser hides where an opaque redirect leads anyway.
 */
export function redirectRefusal(res: Response): string | undefined {
  if (res.type === 'opaqueredirect') return 'redirected; redirects are not followed';
  // A fetch that followed despite `redirect: 'manual'`: its answer comes from who knows where.
  if (res.redirected) return `redirected to ${res.url}; redirects are not followed`;
  if (res.status < 300 || res.status > 399 || res.status === 304) return undefined;
  const location = res.headers.get('location');
  return `redirected (HTTP ${res.status}${location ? ` to ${location}` : ''}); redirects are not followed`;
}
