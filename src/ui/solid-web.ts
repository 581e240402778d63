// The runtime module the JSX compiler imports from (`moduleName` in vite.config.ts): all of
// solid-js/web, except that template() hands its build-time HTML to innerHTML as TrustedHTML made by
// the island's own policy, so a host with `require-trusted-types-for 'script'` lets it render.
import { template as solidTemplate } from 'solid-js/web';

export * from 'solid-js/web';

/** The Trusted Types policy the island creates; a host that lists policies allows it with `trusted-types hero-messaging`. */
export const TRUSTED_TYPES_POLICY = 'hero-messaging';

/** The part of the browser's `trustedTypes` the island uses. */
export interface TrustedTypesFactory {
  createPolicy(
    name: string,
    rules: { createHTML(input: string): string },
  ): { createHTML(input: string): unknown };
}

/**
 * How a template's HTML reaches innerHTML: through a policy named `hero-messaging` where `factory`
 * exists, otherwise (or if the host's `trusted-types` directive refuses the name, which the browser
 * reports as a violation) unchanged. Never registers a `default` policy.
 */
export function makeTemplateHTML(
  factory: TrustedTypesFactory | undefined,
): (html: string) => string {
  if (!factory) return (html) => html;
  let policy: ReturnType<TrustedTypesFactory['createPolicy']>;
  try {
    // Only ever the compiler's own template strings pass through: nothing from a message or the host.
    policy = factory.createPolicy(TRUSTED_TYPES_POLICY, { createHTML: (html) => html });
  } catch {
    return (html) => html;
  }
  // Solid only assigns the value to innerHTML, which takes TrustedHTML as it takes a string.
  return (html) => policy.createHTML(html) as string;
}

let templateHTML: ((html: string) => string) | undefined;

/**
 * Solid's `template()` (same arguments), creating the policy once, on the first template the page
 * actually renders rather than when the bundle loads.
 */
export function template(html: string, ...flags: (boolean | undefined)[]): () => Element {
  let clone: (() => Element) | undefined;
  return () => {
    if (!clone) {
      templateHTML ??= makeTemplateHTML(
        (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes,
      );
      // Solid's types stop at three arguments; its runtime takes a fourth (isMathML).
      clone = (solidTemplate as (html: string, ...flags: (boolean | undefined)[]) => () => Element)(
        templateHTML(html),
        ...flags,
      );
    }
    return clone();
  };
}
