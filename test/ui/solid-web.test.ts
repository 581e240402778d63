import { describe, expect, it } from 'vitest';
import {
  makeTemplateHTML,
  template,
  TRUSTED_TYPES_POLICY,
  type TrustedTypesFactory,
} from '../../src/ui/solid-web.ts';

/** A stand-in for the browser's `trustedTypes` that records the policies made and may refuse names. */
function fakeTrustedTypes(allowed: string[]) {
  const created: string[] = [];
  const factory: TrustedTypesFactory = {
    createPolicy(name, rules) {
      if (!allowed.includes(name)) throw new TypeError(`Policy "${name}" disallowed.`);
      created.push(name);
      return { createHTML: (input) => ({ trusted: rules.createHTML(input) }) };
    },
  };
  return { factory, created };
}

describe('templates under Trusted Types', () => {
  it('pass through one policy named hero-messaging, never a default policy', () => {
    const { factory, created } = fakeTrustedTypes([TRUSTED_TYPES_POLICY, 'default']);
    const toHTML = makeTemplateHTML(factory);
    expect(toHTML('<p class=a>')).toEqual({ trusted: '<p class=a>' });
    expect(toHTML('<b>')).toEqual({ trusted: '<b>' });
    expect(created).toEqual(['hero-messaging']);
  });

  it('stay plain strings where the browser has no Trusted Types, or the host refuses the name', () => {
    expect(makeTemplateHTML(undefined)('<p>')).toBe('<p>');
    const { factory, created } = fakeTrustedTypes(['other']);
    expect(makeTemplateHTML(factory)('<p>')).toBe('<p>');
    expect(created).toEqual([]);
  });

  it("clone like Solid's template(): a fresh copy of the parsed HTML each call", () => {
    const make = template('<p class=x><b>hi</b></p>');
    const [a, b] = [make(), make()];
    expect(a.outerHTML).toBe('<p class="x"><b>hi</b></p>');
    expect(b).not.toBe(a);
    expect(b.isEqualNode(a)).toBe(true);
    const svg = template('<svg><path d=M0></path></svg>', false, true)();
    expect(svg.namespaceURI).toBe('http://www.w3.org/2000/svg');
  });
});
