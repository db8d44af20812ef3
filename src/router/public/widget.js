// SiloOS chat widget: <script src="https://<router>/widget.js"></script>
// <siloos-chat site="demo" identity="<token from your backend>"></siloos-chat>
// One web component, no dependencies. Replies stream in as server-sent events.
(() => {
  // A classic script: currentScript is where the widget was loaded from.
  const ENDPOINT = new URL(document.currentScript?.src ?? location.href).origin;

  const STYLE = `
:host { all: initial; font-family: system-ui, sans-serif; position: fixed; right: 1.25rem; bottom: 1.25rem; width: 22rem; z-index: 2147483000; }
.box { display: flex; flex-direction: column; height: 28rem; background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.18); overflow: hidden; color: #1d2330; }
header { background: #1d2330; color: #fff; padding: .7rem 1rem; font-weight: 600; }
ol { list-style: none; margin: 0; padding: .75rem; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: .5rem; }
li { max-width: 85%; padding: .5rem .7rem; border-radius: 10px; font-size: .9rem; line-height: 1.35; white-space: pre-wrap; }
li.customer { align-self: flex-end; background: #2f5bea; color: #fff; }
li.agent { align-self: flex-start; background: #f0f2f5; }
li.human { align-self: flex-start; background: #e7f6ec; }
.status { font-size: .75rem; color: #6b7280; padding: 0 .9rem .3rem; min-height: 1em; }
.error { color: #b42318; }
form { display: flex; gap: .4rem; padding: .6rem; border-top: 1px solid #eceef2; }
input { flex: 1; font: inherit; padding: .45rem .6rem; border: 1px solid #c8ccd4; border-radius: 8px; }
button { font: inherit; border: 0; border-radius: 8px; background: #2f5bea; color: #fff; padding: 0 .9rem; cursor: pointer; }
button:disabled { opacity: .5; }
`;

  class SiloChat extends HTMLElement {
    #root = this.attachShadow({ mode: "open" });
    #session = null;
    #since = 0;
    #watching = false;

    connectedCallback() {
      this.#root.innerHTML = `<style>${STYLE}</style><div class="box" part="box">
      <header>Support</header><ol></ol><div class="status" role="status"></div>
      <form><input name="message" maxlength="2000" placeholder="Write a message…" autocomplete="off" aria-label="Message"><button>Send</button></form></div>`;
      this.#root.querySelector("form").addEventListener("submit", (ev) => {
        ev.preventDefault();
        const input = this.#root.querySelector("input");
        const text = input.value.trim();
        if (text) {
          input.value = "";
          this.#send(text);
        }
      });
      this.#start().catch((err) => this.#status(err.message, true));
    }

    get #key() {
      return `siloos-chat:${this.getAttribute("site")}`;
    }

    async #api(path, { method = "GET", body } = {}) {
      const headers = { "content-type": "application/json" };
      if (this.#session) headers.authorization = `Bearer ${this.#session}`;
      const res = await fetch(`${ENDPOINT}/v1/widget${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) {
        const err = await res.json().catch(() => ({ error: "error", message: res.statusText }));
        throw Object.assign(new Error(err.message), { code: err.error, status: res.status });
      }
      return res;
    }

    async #start() {
      this.#session = localStorage.getItem(this.#key);
      if (this.#session) {
        try {
          const conv = await (await this.#api("/conversation")).json();
          for (const m of conv.messages) this.#bubble(m.role === "customer" ? "customer" : "agent", m.text);
          this.#since = conv.messages.length;
          if (conv.human) this.#humanJoined();
          this.dataset.state = "resumed";
          return;
        } catch {
          localStorage.removeItem(this.#key);
          this.#session = null;
        }
      }
      const res = await this.#api("/sessions", {
        method: "POST",
        body: { site: this.getAttribute("site"), identity: this.getAttribute("identity") },
      });
      this.#session = (await res.json()).session;
      localStorage.setItem(this.#key, this.#session);
      this.dataset.state = "ready";
    }

    async #send(text) {
      this.#bubble("customer", text);
      this.#since += 1;
      const button = this.#root.querySelector("button");
      button.disabled = true;
      this.#status("…");
      try {
        const res = await this.#api("/messages", { method: "POST", body: { message: text } });
        await this.#readEvents(res);
      } catch (err) {
        this.#status(err.message, true);
      } finally {
        button.disabled = false;
      }
    }

    /** Server-sent events over fetch: reply, status, error, done. */
    async #readEvents(res) {
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const chunk = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? "null");
          this.#onEvent(event, data);
        }
      }
    }

    #onEvent(event, data) {
      if (event === "reply") {
        this.#bubble(data.by === "human" ? "human" : "agent", data.text);
        this.#status("");
      } else if (event === "status" && data.human) {
        this.#humanJoined();
      } else if (event === "error") {
        this.#status("Something went wrong; please try again.", true);
      } else if (event === "done") {
        this.#since = data.next;
        if (this.#root.querySelector(".status").textContent === "…") this.#status("");
      }
    }

    #humanJoined() {
      this.#status("A person from our team has joined the conversation.");
      this.dataset.human = "true";
      if (!this.#watching) this.#watch();
    }

    /** While a person holds the conversation, listen for their replies. */
    async #watch() {
      this.#watching = true;
      while (this.isConnected && this.dataset.human === "true") {
        try {
          await this.#readEvents(await this.#api(`/events?since=${this.#since}`));
        } catch {
          await new Promise((r) => setTimeout(r, 3000));
        }
      }
      this.#watching = false;
    }

    #bubble(kind, text) {
      const li = document.createElement("li");
      li.className = kind;
      li.textContent = text;
      const list = this.#root.querySelector("ol");
      list.append(li);
      list.scrollTop = list.scrollHeight;
    }

    #status(text, error = false) {
      const el = this.#root.querySelector(".status");
      el.textContent = text;
      el.classList.toggle("error", error);
      if (error) this.dataset.error = text;
    }
  }

  if (!customElements.get("siloos-chat")) customElements.define("siloos-chat", SiloChat);
})();
