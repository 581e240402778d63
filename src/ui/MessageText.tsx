import { createMemo, For } from 'solid-js';
import { linkify } from './linkify.ts';

/**
 * A message's text as the sender typed it: http(s) URLs become links that open in a new tab without
 * access to this page; everything else stays text (never parsed as HTML). Its direction is the
 * bubble's (`dir="auto"` there, on the block, so that the lines align to the text's own start).
 */
export function MessageText(props: { text: string }) {
  const segments = createMemo(() => linkify(props.text));
  return (
    <span class="hm-text">
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
