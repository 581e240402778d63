// <vanilla-chat osis-url context public-key conversation>: the least a chat element does to show live
// messages, written by hand as the yardstick for bench/paint.ts. The same stream as the island (fetch
// with the identity in headers, read as it arrives); each `chatmessage.new` of its conversation is
// appended to a scrolling list and scrolled into view in the task that read it. No snapshot, no
// reconnect, no validation: what it leaves out only makes it faster.
/* global customElements, HTMLElement, AbortController, document, fetch, TextDecoder, console */
customElements.define(
  'vanilla-chat',
  class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML =
        '<style>:host{display:block;overflow:auto}.msg{margin:4px 8px;padding:6px 10px;background:#eef;border-radius:8px;width:fit-content}</style><div class="list"></div>';
      const list = root.querySelector('.list');
      this.stop = new AbortController();
      const url = `${this.getAttribute('osis-url')}/hero_osis_communication/events`;
      const headers = {
        'X-Hero-Context': this.getAttribute('context'),
        'X-Public-Key': this.getAttribute('public-key'),
      };
      const show = (message) => {
        if (message.conversation_sid !== this.getAttribute('conversation')) return;
        const bubble = document.createElement('div');
        bubble.className = 'msg';
        bubble.textContent = message.content;
        list.append(bubble);
        this.scrollTop = this.scrollHeight;
      };
      (async () => {
        const response = await fetch(url, { headers, signal: this.stop.signal });
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
          const frames = buffer.split('\n\n');
          buffer = frames.pop();
          for (const frame of frames) {
            const data = frame
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).trimStart())
              .join('\n');
            if (!data) continue;
            const event = JSON.parse(data);
            if (event.type === 'ready') this.dataset.state = 'live';
            if (event.type === 'chatmessage.new') show(event.data);
          }
        }
      })().catch((error) => error.name === 'AbortError' || console.error('[vanilla-chat]', error));
    }
    disconnectedCallback() {
      this.stop.abort();
    }
  },
);
