/** One frame of an event stream: its `id:` and `event:` values, if it had them, and its `data:` lines joined by newlines. */
export interface SseFrame {
  id?: string;
  event?: string;
  data: string;
}

/**
 * The event-stream format ("Parsing an event stream" in the HTML standard) as far as the island needs
 * it, fed text in pieces of any size: lines end in CRLF, LF or CR, a CRLF split between two pieces
 * included; a blank line ends a frame, which is handed to `onFrame` if it had a `data:` line; comments,
 * `retry:` (the loop keeps its own backoff) and unknown fields are ignored, and so is an `id:` holding
 * NUL. The byte order mark is the decoder's to drop. A frame whose data, with the line not yet ended,
 * passes `maxChars` is dropped whole: `onOversize` is told, and the rest of it up to its blank line
 * is skipped unread, so memory stays near `maxChars` whatever the server sends. Never throws.
 * Written here rather than taken from a package: a general parser cost the bundle four times as much.
 */
export function makeSseParser(
  onFrame: (frame: SseFrame) => void,
  onOversize: () => void,
  maxChars: number,
): (text: string) => void {
  let rest = '';
  let afterCR = false;
  let skipping = false;
  let frame: Partial<SseFrame> = {};

  const line = (text: string) => {
    if (!text) {
      if (frame.data !== undefined && !skipping) onFrame(frame as SseFrame);
      frame = {};
      skipping = false;
      return;
    }
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(text[colon + 1] === ' ' ? colon + 2 : colon + 1);
    if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === 'event') frame.event = value || undefined;
    else if (field === 'id' && !value.includes('\0')) frame.id = value;
  };

  return (text) => {
    if (!text) return;
    // The LF of a CRLF whose CR ended the previous piece.
    if (afterCR && text[0] === '\n') text = text.slice(1);
    afterCR = text.endsWith('\r');
    const lines = (rest + text).split(/\r\n?|\n/);
    rest = lines.pop()!;
    for (const each of lines) if (!skipping || !each) line(each);
    if (!skipping && rest.length + (frame.data?.length ?? 0) > maxChars) {
      skipping = true;
      onOversize();
    }
    // A line being skipped still needs its start, so that its end is not taken for a blank line.
    if (skipping && rest) rest = ':';
  };
}
