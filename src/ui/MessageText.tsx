import { createMemo, For } from 'solid-js';
import { linkify } from './linkify.ts';

/**
 * A message's text as the sender typed it: http(s) URLs become links that open in a new tab without
 * access to this page; everything else stays text (never parsed as HTML). `dir="auto"` lets a
 * right-to-left message read right to left in a left-to-right host, and the other way round.
 */
export function MessageText(props: { text: string }) {
  const segments = createMemo(() => linkify(props.text));
  return (
    <span class="hm-text" dir="auto">
      <For each={segments()}>
        {(segment) =>
          segment.kind === 'url' ? (
            <a href={segment.text} target="_blank" rel="noopener noreferrer">
              {segment.text}
            </a>
          ) : (
            segment.text
          )
        }
      </For>
    </span>
  );
}
