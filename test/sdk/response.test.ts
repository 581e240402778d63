// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { mediaType, redirectRefusal } from '../../src/sdk/response.ts';

describe('mediaType', () => {
  it('lower-cases the type and drops parameters', () => {
    expect(mediaType('Text/Event-Stream; charset=utf-8')).toBe('text/event-stream');
    expect(mediaType('  application/JSON  ')).toBe('application/json');
    expect(mediaType('')).toBe('');
    expect(mediaType(null)).toBeUndefined();
  });
});

describe('redirectRefusal', () => {
  it('passes answers that are not redirects', () => {
    expect(redirectRefusal(new Response('', { status: 200 }))).toBeUndefined();
    expect(redirectRefusal(new Response(null, { status: 304 }))).toBeUndefined();
    expect(redirectRefusal(new Response('', { status: 404 }))).toBeUndefined();
  });

  it('names where a redirect leads', () => {
    expect(
      redirectRefusal(
        new Response(null, { status: 308, headers: { Location: 'https://x.test/a' } }),
      ),
    ).toBe('redirected (HTTP 308 to https://x.test/a); redirects are not followed');
    expect(redirectRefusal(new Response(null, { status: 302 }))).toBe(
      'redirected (HTTP 302); redirects are not followed',
    );
  });

  it("refuses a browser's opaque redirect, and an answer some fetch followed anyway", () => {
    expect(redirectRefusal({ type: 'opaqueredirect', status: 0 } as Response)).toBe(
      'redirected; redirects are not followed',
    );
    expect(
      redirectRefusal({
        type: 'basic',
        status: 200,
        redirected: true,
        url: 'https://x.test/b',
      } as Response),
    ).toBe('redirected to https://x.test/b; redirects are not followed');
  });
});
