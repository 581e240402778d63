import { Key } from '@solid-primitives/keyed';
import { createMemo, createSignal, Show } from 'solid-js';
import { useIsland } from './context.ts';
import { linkify } from './linkify.ts';

/** A message longer than this, in characters or lines, shows its start and "Show more". */
const LONG_CHARS = 1200;
const LONG_LINES = 24;
/** What a long message shows until it is opened: about half a screen. */
const SHOWN_CHARS = 600;
const SHOWN_LINES = 12;

/**
 * The start of a long `text`, cut at a space or line end (not in a word or a link), else undefined:
 * the text is short enough to show whole.
 */
export function collapsed(text: string): string | undefined {
  const lines = text.split('\n');
  if (text.length <= LONG_CHARS && lines.length <= LONG_LINES) return undefined;
  const start = lines.slice(0, SHOWN_LINES).join('\n').slice(0, SHOWN_CHARS);
  const space = start.search(/\s\S*$/);
  return `${(space > SHOWN_CHARS / 2 ? start.slice(0, space) : start).trimEnd()}…`;
}

/**
 * A message's text as the sender typed it: http(s) URLs become links that open in a new tab without
 * access to this page; everything else stays text (never parsed as HTML). A long one shows its start
 * and "Show more". Its direction is the bubble's (`dir="auto"` there, on the block, so that the lines
 * align to the text's own start).
 */
export function MessageText(props: { text: string }) {
  const { t } = useIsland();
  const [open, setOpen] = createSignal(false);
  const start = createMemo(() => collapsed(props.text));
  const segments = createMemo(() => linkify(open() ? props.text : (start() ?? props.text)));
  return (
    <span class="hm-text">
      {/* A node per segment; a changed text is cut into new segments, drawn anew. */}
      <Key each={segments()} by={(segment) => segment}>
        {(segment) =>
          segment().kind === 'url' ? (
            // Left to right and isolated: no override before it can make it read as another address.
            <a href={segment().text} target="_blank" rel="noopener noreferrer" dir="ltr">
              {segment().text}
            </a>
          ) : (
            segment().text
          )
        }
      </Key>
      <Show when={start()}>
        {' '}
        <button
          type="button"
          class="hm-link hm-more"
          aria-expanded={open()}
          onClick={() => setOpen(!open())}
        >
          {open() ? t.showLess : t.showMore}
        </button>
      </Show>
    </span>
  );
}
