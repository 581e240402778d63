// Styles without markup: a host whose Content-Security-Policy has `style-src 'self'` (no
// 'unsafe-inline') blocks every <style> element and style="" attribute, but not constructed sheets.

/** One constructed sheet per CSS text, shared by every island on the page. */
const sheets = new Map<string, CSSStyleSheet>();
/** How many mounts in a root use each sheet, so the last release removes it. */
const users = new WeakMap<Document | ShadowRoot, Map<CSSStyleSheet, number>>();

function sharedSheet(css: string): CSSStyleSheet {
  let sheet = sheets.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  return sheet;
}

function adopt(root: Document | ShadowRoot, css: string): (() => void) | undefined {
  const counts = users.get(root) ?? new Map<CSSStyleSheet, number>();
  let sheet: CSSStyleSheet;
  try {
    sheet = sharedSheet(css);
    // Throws where constructable stylesheets are missing (no constructor, or no adoptedStyleSheets),
    // and for a sheet constructed in another document (a target in an iframe).
    if (!counts.get(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    return undefined;
  }
  counts.set(sheet, (counts.get(sheet) ?? 0) + 1);
  users.set(root, counts);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = counts.get(sheet)! - 1;
    counts.set(sheet, left);
    // Keep whatever else the host or another island adopted into the same root.
    if (left === 0) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
  };
}

/**
 * Applies `css` to the tree `target` is in (its shadow root, or the document) through
 * `adoptedStyleSheets`, one shared `CSSStyleSheet` per CSS text. Only where constructable stylesheets
 * are missing (Safari before 16.4), or `target` is in no document of this window (detached, or in an
 * iframe's document), does it fall back to a `<style>` element in `target`, which a host without
 * `style-src 'unsafe-inline'` blocks.
 * Returns the release; the sheet leaves the root when its last user releases it.
 */
export function adoptStyles(target: Element | ShadowRoot, css: string): () => void {
  const root = target.getRootNode();
  const release =
    root instanceof ShadowRoot || root === target.ownerDocument
      ? adopt(root as Document | ShadowRoot, css)
      : undefined;
  if (release) return release;
  const style = document.createElement('style');
  style.textContent = css;
  target.prepend(style);
  return () => style.remove();
}
