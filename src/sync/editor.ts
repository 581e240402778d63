import { createSignal, type Accessor } from 'solid-js';
import { LIMITS, type ChatMessage } from '../protocol/index.ts';
import type { CommunicationClient } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';
import { applyUpdatedMessage } from './merge.ts';
import { bubblesOf } from './bubbles.ts';
import { findRow } from './rows.ts';
import { isMissingMethod, worthRetrying } from './retry.ts';
import type { Sender } from './sender.ts';
import type { Bubble } from './state.ts';
import type { ChatStore } from './store.ts';

/**
 * Why an edit or a deletion did not happen; `ok` when it did (or, for a message not sent yet, will go
 * out with it). `unsupported`: the server has no such method, which is not the person's to hear.
 */
export type ChangeResult =
  | { ok: true }
  | {
      ok: false;
      error: 'empty' | 'too-long' | 'too-late' | 'refused' | 'unreachable' | 'unsupported';
    };

/** Editing and deleting one's own messages: sent ones through the server, unsent ones in the outbox. */
export interface Editor {
  /**
   * Whether `bubble` can be edited (`'edit'`) or deleted now: one's own, not deleted, and for a sent
   * one a server that numbers messages and has not answered that it cannot; an edit within
   * `LIMITS.editWindowS` of sending.
   */
  can(what: 'edit' | 'delete', bubble: Bubble): boolean;
  edit(bubble: Bubble, content: string): Promise<ChangeResult>;
  remove(bubble: Bubble): Promise<ChangeResult>;
  /** False once the server answered that it has no such methods (reactive). */
  readonly supported: Accessor<boolean>;
}

export function makeEditor(options: {
  client: Pick<CommunicationClient, 'editMessage' | 'deleteMessage'>;
  store: ChatStore;
  sender: Pick<Sender, 'edit' | 'discard'>;
  env: Pick<SessionEnvironment, 'now'>;
  signal: AbortSignal;
}): Editor {
  const { client, store, sender, env, signal } = options;
  const me = store.state().me;
  const [supported, setSupported] = createSignal(true);

  /** A call to the server; the changed message lands in the open chat. */
  async function change(call: () => Promise<ChatMessage>): Promise<ChangeResult> {
    try {
      const message = await call();
      store.update((s) => applyUpdatedMessage(s, message));
      return { ok: true };
    } catch (error) {
      if (signal.aborted) return { ok: false, error: 'unreachable' };
      if (isMissingMethod(error)) {
        // A server without edits: the menu goes, and nothing is said to the person.
        setSupported(false);
        return { ok: false, error: 'unsupported' };
      }
      return { ok: false, error: worthRetrying(error) ? 'unreachable' : 'refused' };
    }
  }

  /** Whether the open chat's server numbers what it stores (edits are ordered by it) and has not refused them. */
  const numbered = () => {
    const open = store.state().open;
    return (
      supported() && !!open && findRow(store.state().conversations, open.sid)?.seq !== undefined
    );
  };
  const sentOwn = (b: Bubble) =>
    b.status === 'sent' && b.sid !== undefined && b.seq !== undefined && supported();
  const can: Editor['can'] = (what, b) => {
    if (b.sender_public_key !== me || b.deleted) return false;
    // Not confirmed yet: edited where it waits; a failed one deleted is discarded (Discard says as much
    // where edits are not spoken).
    if (b.status !== 'sent') return numbered() && (what === 'edit' || b.status === 'failed');
    return sentOwn(b) && (what === 'delete' || env.now() - b.time < LIMITS.editWindowS * 1000);
  };
  /** The bubble as it is now: one held while the person typed may have been sent, or deleted, meanwhile. */
  const now = (b: Bubble) => bubblesOf(store.state()).find((each) => each.key === b.key);

  return {
    can,
    supported,
    async edit(held, content) {
      const text = content.trim();
      if (text.length < LIMITS.contentMin) return { ok: false, error: 'empty' };
      if (text.length > LIMITS.contentMax) return { ok: false, error: 'too-long' };
      const bubble = now(held);
      if (!bubble || !can('edit', bubble))
        return {
          ok: false,
          error: bubble && sentOwn(bubble) ? 'too-late' : supported() ? 'refused' : 'unsupported',
        };
      if (text === bubble.content) return { ok: true };
      if (bubble.status !== 'sent') {
        sender.edit(bubble.nonce!, text);
        return { ok: true };
      }
      const sid = store.state().open!.sid;
      return change(() =>
        client.editMessage({ sid, message_sid: bubble.sid!, content: text }, signal),
      );
    },
    async remove(held) {
      const bubble = now(held);
      // Gone already (deleted elsewhere, or discarded): nothing is left to do.
      if (!bubble) return { ok: true };
      if (!can('delete', bubble))
        return { ok: false, error: supported() ? 'refused' : 'unsupported' };
      if (bubble.status === 'failed') {
        sender.discard(bubble.nonce!);
        return { ok: true };
      }
      const sid = store.state().open!.sid;
      return change(() => client.deleteMessage({ sid, message_sid: bubble.sid! }, signal));
    },
  };
}
