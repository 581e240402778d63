import type { CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { makeRetryWait, reason, worthRetrying } from './retry.ts';
import type { ChatStore } from './store.ts';

export interface ContactsOptions {
  client: Pick<CommunicationClient, 'listContacts'>;
  store: ChatStore;
  env: SessionEnvironment;
  signal: AbortSignal;
}

/** The context's contacts, for starting conversations: fetched once, retried with backoff after network trouble. */
export interface Contacts {
  /** Fetches the contacts unless they are held or on their way. */
  ensure(): void;
  dispose(): void;
}

export function makeContacts(options: ContactsOptions): Contacts {
  const { client, store, signal } = options;
  const retry = makeRetryWait(options.env);
  let fetching = false;

  async function fetchContacts(): Promise<void> {
    fetching = true;
    try {
      const contacts = await client.listContacts(signal);
      store.update((s) => ({ ...s, contacts }));
      retry.reset();
    } catch (error) {
      if (signal.aborted) return;
      if (!worthRetrying(error)) {
        // Tried again the next time the stream is live.
        console.warn(`[hero-messaging] cannot fetch the contacts: ${reason(error)}`);
        return;
      }
      const first = retry.failures === 0;
      const delay = retry.after(() => void fetchContacts());
      if (first)
        console.warn(
          `[hero-messaging] cannot fetch the contacts, retrying in ${delay} ms: ${reason(error)}`,
        );
    } finally {
      fetching = false;
    }
  }

  return {
    ensure() {
      if (fetching || retry.waiting || store.state().contacts.length > 0) return;
      void fetchContacts();
    },
    dispose: () => retry.cancel(),
  };
}
