import type { Following } from './following.ts';
import type { TabChannel } from './platform.ts';
import { RELAY_VERSION, type Post, type RelayMessage } from './relay.ts';
import type { SharedStreamOptions } from './types.ts';
import { LOST } from './leading.ts';

type Warn = (message: string) => void;

/** The tab's end of the channel `name`: open while the tab is in, closed once it leaves. */
export interface TabLink {
  /** Posts to every other tab, as this tab (`from`); nothing while the link is closed. */
  post: Post;
  /** Opens the channel: `hear` is told what arrives, `undeliverable` of what could not be read. */
  connect(hear: (data: unknown) => void, undeliverable: () => void): void;
  /** Says `bye`, and closes the channel. */
  close(): void;
}

export function makeTabLink(
  options: Pick<SharedStreamOptions, 'name' | 'BroadcastChannel' | 'signal'>,
  tabId: string,
  warn: Warn,
): TabLink {
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
  return {
    post,
    connect(hear, undeliverable) {
      channel = new options.BroadcastChannel(options.name);
      channel.onmessage = (event) => hear(event.data);
      channel.onmessageerror = undeliverable;
    },
    close() {
      if (!channel) return;
      post({ type: 'bye' });
      channel.onmessage = null;
      channel.onmessageerror = null;
      channel.close();
      channel = undefined;
    },
  };
}

/** Which chat each tab shows the person: this one's (`show`), and what the others said. */
export interface Presence {
  /** Posts this tab's `hello`, which says the chat it shows. */
  hello(): void;
  /** Hears the others' `hello`, `showing` and `bye`. */
  hear(message: RelayMessage): void;
  show(sid: string | undefined): void;
  shownElsewhere(sid: string): boolean;
}

export function makePresence(post: Post): Presence {
  let showing: string | undefined;
  const shownBy = new Map<string, string | undefined>();
  return {
    hello: () => post({ type: 'hello', showing }),
    hear(message) {
      if (message.type === 'hello') shownBy.set(message.from, message.showing);
      else if (message.type === 'showing') shownBy.set(message.from, message.sid);
      else if (message.type === 'bye') shownBy.delete(message.from);
    },
    show(sid) {
      if (sid === showing) return;
      showing = sid;
      post({ type: 'showing', sid });
    },
    shownElsewhere: (sid) => [...shownBy.values()].includes(sid),
  };
}

/** A tab's comings and goings: it joins, takes its place in line for the lock, and leaves. */
export interface Membership {
  /**
   * Joins now, and leaves on `pagehide` (the back/forward cache keeps no lock or channel) and joins
   * again on a persisted `pageshow`, until the returned function leaves for good.
   */
  enter(): () => void;
  /** Takes the lock from a leader that does not answer (`why`), if the tab is in. */
  takeOver(why: string): void;
}

export interface MembershipParts {
  options: Pick<SharedStreamOptions, 'name' | 'locks' | 'pageEvents' | 'signal'>;
  link: TabLink;
  /** Opens the link, with its listeners. */
  connect(): void;
  /** Leads while `member`, the lock request, holds the lock (see `Leading.lead`). */
  lead(member: AbortSignal): Promise<void>;
  /** Asks the leader where it stands and watches it (`follow`), or stops watching (`stop`). */
  follower: Pick<Following, 'follow' | 'stop'>;
  /** The page came back from the cache: the tab connects again. */
  returned(): void;
  warn: Warn;
}

export function makeMembership(parts: MembershipParts): Membership {
  const { options, link, follower, warn } = parts;
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
      .request(options.name, steal ? { steal } : { signal: mine.signal }, () =>
        parts.lead(mine.signal),
      )
      .catch((error: unknown) => {
        // Leaving the line (pagehide, unmount, a takeover) rejects with an AbortError, as does another tab
        // taking the lock from this one: that one leads now. Anything else is worth a line.
        if (mine.signal.aborted) return;
        if ((error as Error).name === 'AbortError') return lose();
        warn(`the tab lock failed: ${(error as Error).message}`);
      });
  }

  /** Another tab took the lock: stop leading (the real stream ends), and follow it like a tab that joins. */
  function lose(): void {
    request?.abort(LOST);
    if (!joined) return;
    follower.follow();
    queue();
  }

  function join(): void {
    joined = true;
    parts.connect();
    follower.follow();
    queue();
  }

  function leave(): void {
    joined = false;
    request?.abort();
    request = undefined;
    follower.stop();
    link.close();
  }

  return {
    enter() {
      const { pageEvents, signal } = options;
      const onPageShow = (event: Event) => {
        if (!(event as PageTransitionEvent).persisted || joined || signal.aborted) return;
        parts.returned();
        join();
      };
      pageEvents?.addEventListener('pagehide', leave);
      pageEvents?.addEventListener('pageshow', onPageShow);
      join();
      return () => {
        pageEvents?.removeEventListener('pagehide', leave);
        pageEvents?.removeEventListener('pageshow', onPageShow);
        leave();
      };
    },
    takeOver(why) {
      if (!joined) return;
      warn(`${why}: this tab takes over the stream`);
      queue(true);
    },
  };
}
