import { describe, expect, it } from 'vitest';
import css from '../../src/ui/styles.css?inline';

// Colour literals: hex, functional notations, and named colours other than the keywords that take
// their colour from elsewhere (transparent, currentColor, inherit).
const COLOUR =
  /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|(?<![\w-])(?:white|black|red|green|blue|gray|grey|silver|navy|yellow|orange)(?![\w-])/i;

const DARK_MEDIA = '@media (prefers-color-scheme: dark)';

/** The `@media (prefers-color-scheme: dark) { … }` block, braces included. */
function mediaBlock(): string {
  const start = css.indexOf(DARK_MEDIA);
  expect(start).toBeGreaterThan(0);
  return css.slice(start, css.indexOf('}', css.indexOf('}', start) + 1) + 1);
}

/** The palette (`--_*` declarations) of the top-level rule whose selector is exactly `selector`. */
function palette(selector: string): Map<string, string> {
  const source = css.replace(mediaBlock(), '').replace(/\/\*[\s\S]*?\*\//g, '');
  const declarations = new Map<string, string>();
  for (const match of source.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    if (match[1]!.trim() !== selector) continue;
    for (const part of match[2]!.split(';')) {
      const at = part.indexOf(':');
      if (at > 0 && part.trim().startsWith('--_'))
        declarations.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
    }
  }
  return declarations;
}

/** The palette inside the dark media block. */
function mediaDark(): Map<string, string> {
  const declarations = new Map<string, string>();
  for (const match of mediaBlock().matchAll(/(--_[\w-]+):\s*([^;]+);/g))
    declarations.set(match[1]!, match[2]!.trim());
  return declarations;
}

describe('the island styles (dark mode)', () => {
  it('writes every colour as the fallback of a --hm-* property, status pill included', () => {
    const source = css.replace(/\/\*[\s\S]*?\*\//g, '');
    const offenders = source
      .split(/[;{}]/)
      .map((d) => d.trim())
      .filter((d) => COLOUR.test(d))
      .filter((d) => !/^[\w-]+:\s*var\(--hm-[\w-]+,\s*[^;]+\)$/.test(d));
    expect(offenders).toEqual([]);
    expect(source).not.toMatch(/\.hm-status[^{]*\{[^}]*#[0-9a-f]{3,8}/i);
  });

  it('gives dark defaults for every colour the light palette sets, in both dark rules', () => {
    const light = palette('.hm-host');
    const dark = palette(":host([theme='dark']) .hm-host");
    const colours = [...light.keys()].filter((name) => name !== '--_radius');
    expect(colours.length).toBeGreaterThan(10);
    expect([...dark.keys()].sort()).toEqual(colours.sort());
    expect(mediaDark()).toEqual(dark);
    for (const name of colours)
      expect(dark.get(name)!.replace(/,.*/, '')).toBe(light.get(name)!.replace(/,.*/, ''));
    expect(dark.get('--_bg')).not.toBe(light.get('--_bg'));
  });

  it('lets theme="light" restore the light palette under a dark preference', () => {
    const light = new Map([...palette('.hm-host')].filter(([name]) => name !== '--_radius'));
    expect(palette(":host([theme='light']) .hm-host")).toEqual(light);
  });
});
