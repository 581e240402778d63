import { createContext, useContext, type Accessor } from 'solid-js';
import type { ChatSession, Drafts } from '../sync/index.ts';
import type { Notifications } from './notifications.ts';
import type { Strings } from './strings.ts';

export interface IslandContextValue {
  session: ChatSession;
  /** What is being written in each chat. */
  drafts: Drafts;
  me: string;
  /** unix ms, ticking so relative times stay fresh */
  now: Accessor<number>;
  /** Desktop notifications, when the host turned them on (`notify`). */
  notifications?: Notifications;
  /** The texts to show (reactive: a host may replace them at any time). */
  t: Strings;
  /** The host's language for dates and times; undefined: the browser's. */
  locale: Accessor<string | undefined>;
  /** The server's address as the person should read it in a message. */
  server: string;
}

export const IslandContext = createContext<IslandContextValue>();

export function useIsland(): IslandContextValue {
  const value = useContext(IslandContext);
  if (!value) throw new Error('useIsland: render this component inside <Island> (or mountIsland)');
  return value;
}
