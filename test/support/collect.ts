import type { StreamItem, StreamStatus, Subscription } from '../../src/sdk/index.ts';

/** Consumes a subscription in the background, keeping every item for assertions. */
export function collect(subscription: Subscription) {
  const items: StreamItem[] = [];
  let finished = false;
  const done = (async () => {
    for await (const item of subscription) items.push(item);
    finished = true;
  })();
  return {
    items,
    done,
    get finished() {
      return finished;
    },
    statuses: (): StreamStatus[] => items.flatMap((i) => (i.kind === 'status' ? [i.status] : [])),
    states: () => items.flatMap((i) => (i.kind === 'status' ? [i.status.state] : [])),
    events: () => items.flatMap((i) => (i.kind === 'event' ? [i.event] : [])),
    types: () => items.flatMap((i) => (i.kind === 'event' ? [i.event.type] : [])),
  };
}
