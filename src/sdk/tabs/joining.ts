import type { Leadership } from '../subscription.ts';
import type { TabChannel } from './platform.ts';
import { RELAY_VERSION, type Post, type RelayMessage } from './relay.ts';
import type { SharedStreamOptions } from './types.ts';
import { LOST } from './leading.ts';

type Warn = (message: string) => void;

/**
 * The tab's end of the channel `name`: open while the tab is in, closed once it leaves. `hear` is told
 * what arrives, `undeliverable` of what could not be read.
 */
export function makeTabLink(
  options: Pick<SharedStreamOptions, 'name' | 'BroadcastChannel' | 'signal'>,
  tabId: string,
  warn: Warn,
  hear: (data: unknown) => void,
  undeliverable: () => void,
): [post: Post, open: () => void, close: () => void] {
  let channel: TabChannel | undefined;
  const post: Post = (message) => {
    try {
      channel?.postMessage({ v: RELAY_VERSION, from: tabId, ...message });
    } catch (error) {
      // A channel closed under us (the page is going away): nobody is left to tell.
      if (!options.signal.aborted)
        warn(`could not post to the other tabs: ${(error as Error).message}`);
    }
  };
  return [
    // To every other tab, as this tab (`from`); nothing while the link is closed.
    post,
    () => {
      channel = new options.BroadcastChannel(options.name);
      channel.onmessage = (event) => hear(event.data);
      channel.onmessageerror = undeliverable;
    },
    // Says `bye`, and closes the channel.
    () => {
      if (!channel) return;
      post({ type: 'bye' });
      channel.onmessage = null;
      channel.onmessageerror = null;
      channel.close();
      channel = undefined;
    },
  ];
}

/**
 * Which chat each tab shows the person: this one's (`show`, also said by its `hello`), and what the
 * others said (their `hello`, `showing` and `bye`).
 */
export function makePresence(
  post: Post,
): [
  hello: () => void,
  hear: (message: RelayMessage) => void,
  show: Leadership['show'],
  shownElsewhere: Leadership['shownElsewhere'],
] {
  let showing: string | undefined;
  const shownBy = new Map<string, string | undefined>();
  return [
    () => post({ type: 'hello', showing }),
    (message) => {
      if (message.type === 'hello') shownBy.set(message.from, message.showing);
      else if (message.type === 'showing') shownBy.set(message.from, message.sid);
      else if (message.type === 'bye') shownBy.delete(message.from);
    },
    (sid) => {
      if (sid === showing) return;
      showing = sid;
      post({ type: 'showing', sid });
    },
    (sid) => [...shownBy.values()].includes(sid),
  ];
}

/**
 * A tab's comings and goings: it joins (opens its link, follows, and takes its place in line for the
 * lock, to `lead` once it holds it), and leaves (stops following, and closes its link). `returned` is
 * called when the page comes back from the cache, before the tab joins again.
 */
export function makeMembership(
  options: Pick<SharedStreamOptions, 'name' | 'locks' | 'pageEvents' | 'signal'>,
  openLink: () => void,
  closeLink: () => void,
  lead: (member: AbortSignal) => Promise<void>,
  startFollowing: () => void,
  stopFollowing: () => void,
  returned: () => void,
  warn: Warn,
): [enter: () => () => void, takeOver: (why: string) => void] {
  // Whether this tab is in (joined, and not gone by pagehide or unmount).
  let joined = false;
  // This tab's lock request: in line, or held while it leads. Aborted with `LOST` once another tab took the lock.
  let request: AbortController | undefined;

  /** Asks for the lock: in line, or taking it from a leader that does not answer (`steal`). */
  function queue(steal = false): void {
    request?.abort();
    const mine = new AbortController();
    request = mine;
    options.locks
      .request(options.name, steal ? { steal } : { signal: mine.signal }, () => lead(mine.signal))
      .catch((error: unknown) => {
        // Leaving the line (pagehide, unmount, a takeover) rejects with an AbortError, as does another tab
        // taking the lock from this one: that one leads now. Anything else is worth a line.
        if (mine.signal.aborted) return;
        if ((error as Error).name === 'AbortError') return follow();
        warn(`the tab lock failed: ${(error as Error).message}`);
      });
  }

  /**
   * Follows the leader as a tab that joins, in line for the lock. After another tab took the lock,
   * this tab stops leading first (`LOST`: the real stream ends).
   */
  function follow(): void {
    request?.abort(LOST);
    if (!joined) return;
    startFollowing();
    queue();
  }

  function join(): void {
    joined = true;
    openLink();
    follow();
  }

  function leave(): void {
    joined = false;
    request?.abort();
    request = undefined;
    stopFollowing();
    closeLink();
  }

  return [
    // Joins now, and leaves on `pagehide` (the back/forward cache keeps no lock or channel) and joins
    // again on a persisted `pageshow`, until the returned function leaves for good.
    () => {
      const { pageEvents, signal } = options;
      const onPageShow = (event: Event) => {
        if (!(event as PageTransitionEvent).persisted || joined || signal.aborted) return;
        returned();
        join();
      };
      const listening = new AbortController();
      const until = { signal: listening.signal };
      pageEvents?.addEventListener('pagehide', leave, until);
      pageEvents?.addEventListener('pageshow', onPageShow, until);
      join();
      return () => {
        listening.abort();
        leave();
      };
    },
    // Takes the lock from a leader that does not answer (`why`), if the tab is in.
    (why) => {
      if (!joined) return;
      warn(`${why}: this tab takes over the stream`);
      queue(true);
    },
  ];
}
