import { afterEach, describe, expect, it } from 'vitest';
import { adoptStyles } from '../../src/ui/stylesheet.ts';

afterEach(() => {
  document.body.replaceChildren();
  document.adoptedStyleSheets = [];
});

function shadowHost(): ShadowRoot {
  const host = document.createElement('div');
  document.body.append(host);
  return host.attachShadow({ mode: 'open' });
}

const CSS = '.probe { color: rgb(1, 2, 3); }';
const colorOf = (root: ShadowRoot | Document) => {
  const probe = document.createElement('p');
  probe.className = 'probe';
  (root instanceof Document ? root.body : root).append(probe);
  return getComputedStyle(probe).color;
};

describe('adoptStyles', () => {
  it('styles a shadow root through one constructed sheet shared by every root, with no <style> element', () => {
    const [a, b] = [shadowHost(), shadowHost()];
    adoptStyles(a, CSS);
    adoptStyles(b, CSS);
    expect(colorOf(a)).toBe('rgb(1, 2, 3)');
    expect(a.querySelector('style')).toBeNull();
    expect(a.adoptedStyleSheets).toHaveLength(1);
    expect(b.adoptedStyleSheets[0]).toBe(a.adoptedStyleSheets[0]);
  });

  it("keeps the sheet until the last user in a root releases it, and keeps the host's own sheets", () => {
    const root = shadowHost();
    const hosts = new CSSStyleSheet();
    root.adoptedStyleSheets = [hosts];
    const first = adoptStyles(root, CSS);
    const second = adoptStyles(root, CSS);
    expect(root.adoptedStyleSheets).toHaveLength(2);
    first();
    first();
    expect(root.adoptedStyleSheets).toHaveLength(2);
    second();
    expect(root.adoptedStyleSheets).toEqual([hosts]);
    adoptStyles(root, CSS);
    expect(colorOf(root)).toBe('rgb(1, 2, 3)');
  });

  it("adopts into the document for a target in the page's light DOM", () => {
    const target = document.createElement('div');
    document.body.append(target);
    const release = adoptStyles(target, CSS);
    expect(document.adoptedStyleSheets).toHaveLength(1);
    expect(target.querySelector('style')).toBeNull();
    release();
    expect(document.adoptedStyleSheets).toHaveLength(0);
  });

  it('falls back to a <style> element only where the root cannot adopt sheets', () => {
    const root = shadowHost();
    // What a browser without constructable stylesheets (Safari before 16.4) offers.
    Object.defineProperty(root, 'adoptedStyleSheets', { value: undefined });
    const release = adoptStyles(root, CSS);
    expect(root.querySelector('style')?.textContent).toBe(CSS);
    expect(colorOf(root)).toBe('rgb(1, 2, 3)');
    release();
    expect(root.querySelector('style')).toBeNull();

    const detached = document.createElement('div');
    adoptStyles(detached, CSS);
    expect(detached.querySelector('style')?.textContent).toBe(CSS);
  });
});
