/** A run of message text: plain text, or an http(s) URL to show as a link. */
export type TextSegment = { kind: 'text'; text: string } | { kind: 'url'; text: string };

// A URL starts at a word boundary with http:// or https:// and a host (a letter, digit or IPv6 "["),
// and runs to whitespace or a character that cannot stand unescaped in one; a bidi control (an
// embedding, override, isolate or mark, which could make the link read as another) ends it too, so
// none is ever in a link. Nothing else (www., mail addresses, markup, other schemes) is interpreted.
const URL_RE =
  /\bhttps?:\/\/[\p{L}\p{N}[][^\s<>"`\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*/giu;
// Punctuation that ends a sentence rather than the URL: "see https://a.example/x." links to …/x.
const TRAILING = /[.,;:!?'"*_~]$/;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Drops sentence punctuation and unbalanced closing brackets from the end of a matched URL. */
function trimUrl(url: string): string {
  const count = (c: string) => url.split(c).length - 1;
  // Closing brackets still unmatched by an opening one, per kind: counted once, so trimming is linear.
  const unmatched: Record<string, number> = {};
  for (const [close, open] of Object.entries(PAIRS)) unmatched[close] = count(close) - count(open);
  let end = url.length;
  for (;;) {
    const last = url[end - 1]!;
    // "(see https://en.wikipedia.org/wiki/Foo_(bar))": the inner pair belongs to the URL.
    if (PAIRS[last] ? unmatched[last]!-- > 0 : TRAILING.test(last)) end--;
    else break;
  }
  return url.slice(0, end);
}

/**
 * Splits message text into plain runs and http(s) URLs, in order; joining the `text` of every
 * segment gives back the input. Linear in the length of the text; never parses HTML.
 */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let from = 0;
  const plain = (to: number) => {
    if (to > from) segments.push({ kind: 'text', text: text.slice(from, to) });
  };
  for (const match of text.matchAll(URL_RE)) {
    const url = trimUrl(match[0]);
    plain(match.index);
    segments.push({ kind: 'url', text: url });
    from = match.index + url.length;
  }
  plain(text.length);
  return segments;
}
