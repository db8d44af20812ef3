// SiloOS operator console. Plain ES module, no framework. The session is an
// HttpOnly cookie; keys for a taken task live only in this page's memory.
const $ = (sel) => document.querySelector(sel);
const state = { me: null, task: null, keys: null, tools: [] };

async function api(path, { method = "GET", body } = {}) {
  const res = await fetch(`/console/api${path}`, {
    method,
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-siloos-console": "1" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get("content-type") ?? "";
  const data = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok)
    throw Object.assign(new Error(data.message ?? res.statusText), { code: data.error ?? "error", status: res.status });
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A tiny, escaping markdown renderer: headings, lists, code spans, bold, paragraphs. */
function renderMarkdown(md) {
  const out = document.createElement("div");
  let list = null;
  let para = null;
  const inline = (text) => {
    const span = document.createElement("span");
    for (const part of text.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
      if (part.startsWith("`") && part.endsWith("`")) span.append(el("code", {}, part.slice(1, -1)));
      else if (part.startsWith("**") && part.endsWith("**")) span.append(el("strong", {}, part.slice(2, -2)));
      else span.append(part);
    }
    return span;
  };
  for (const line of md.split("\n")) {
    const h = /^(#{1,3})\s+(.*)$/.exec(line);
    const li = /^\s*(?:\d+\.|[-*])\s+(.*)$/.exec(line);
    if (h) {
      list = para = null;
      out.append(el(`h${h[1].length + 2}`, {}, inline(h[2])));
    } else if (li && !(list && /^\s+[-*]/.test(line))) {
      para = null;
      if (!list) {
        list = el("ol");
        out.append(list);
      }
      list.append(el("li", {}, inline(li[1])));
    } else if (line.trim() === "") {
      list = para = null;
    } else if (list) {
      list.lastChild?.append(" ", inline(line.trim()));
    } else if (para) {
      para.append(" ", inline(line));
    } else {
      para = el("p", {}, inline(line));
      out.append(para);
    }
  }
  return out;
}

function show(view) {
  $("#signin-view").hidden = view !== "signin";
  $("#app-view").hidden = view !== "app";
  $("#who").hidden = view !== "app";
}

async function boot(viaAccess = true) {
  try {
    state.me = await api("/me");
  } catch {
    // Behind Cloudflare Access, Access's signed assertion rides on this request: sign in with it.
    if (
      viaAccess &&
      (await api("/login/access", { method: "POST", body: {} }).then(
        () => true,
        () => false,
      ))
    )
      return boot(false);
    show("signin");
    return;
  }
  $("#who-name").textContent = state.me.name;
  $("#who-role").textContent = state.me.role;
  show("app");
  await loadQueue();
  // The approvals view (approvals.js) loads for the signed-in role.
  document.dispatchEvent(new CustomEvent("console:ready", { detail: state.me }));
}

async function loadQueue() {
  const { tasks } = await api("/queue");
  const body = $("#queue tbody");
  body.replaceChildren(
    ...tasks.map((t) =>
      el(
        "tr",
        { "data-task": t.taskId },
        el("td", {}, el("code", {}, t.taskId)),
        el("td", {}, t.subject.customerId),
        el("td", {}, t.summary ?? t.outcome ?? ""),
        el("td", {}, t.assignee),
        el(
          "td",
          {},
          el(
            "button",
            { type: "button", class: "small", onclick: () => take(t.taskId) },
            t.assignee === `human:${state.me.id}` ? "Open" : "Take",
          ),
        ),
      ),
    ),
  );
  $("#queue-empty").hidden = tasks.length > 0;
  await loadDeadLetters();
}

/** The outbox's dead letters: ids and codes only, never an address. */
async function loadDeadLetters() {
  const { messages } = await api("/outbox/dead");
  $("#dead-letters tbody").replaceChildren(
    ...messages.map((m) =>
      el(
        "tr",
        {},
        el("td", {}, el("code", {}, m.messageId)),
        el("td", {}, el("code", {}, m.taskId)),
        el("td", {}, m.template),
        el("td", {}, String(m.attempts)),
        el("td", {}, m.lastError ?? ""),
      ),
    ),
  );
  $("#dead-letters").hidden = messages.length === 0;
}

async function take(taskId) {
  const { keys } = await api(`/tasks/${taskId}/take`, { method: "POST", body: {} });
  state.keys = keys;
  await openTask(taskId);
}

async function openTask(taskId) {
  const view = await api(`/tasks/${taskId}`);
  state.task = view.task;
  state.tools = view.tools;
  $("#task-card").hidden = false;
  $("#task-id").textContent = view.task.taskId;
  $("#task-status").textContent = view.task.status;
  $("#task-principal").textContent = `human:${state.me.id}`;
  $("#transcript").replaceChildren(
    ...view.transcript.map((e) =>
      el("li", {}, el("strong", {}, e.role === "customer" ? "Customer: " : `${e.by}: `), e.text),
    ),
  );
  $("#procedure-agent").textContent = view.procedure.agent ? `(${view.procedure.agent}/instructions.md)` : "";
  $("#instructions").replaceChildren(renderMarkdown(view.procedure.instructions));
  $("#tools").replaceChildren(...view.tools.map(toolForm));
  $("#reveal-box").hidden = !state.me.capabilities.some((c) => c.capability === "pii.reveal");
  $("#results").replaceChildren();
  $("#procedure-draft").hidden = true;
  const agents = await fetchAgentsForHandback();
  $("#handback-agent").replaceChildren(...agents.map((a) => el("option", { value: a }, a)));
}

async function fetchAgentsForHandback() {
  return (await api("/agents")).agents;
}

function fieldFor(name, schema) {
  if (schema.enum)
    return el("select", { name, "data-kind": "string" }, ...schema.enum.map((v) => el("option", { value: v }, v)));
  if (schema.type === "number" || schema.type === "integer")
    return el("input", { name, type: "number", step: "0.01", "data-kind": "number", required: "" });
  if (schema.type === "object")
    return el("textarea", { name, rows: "3", "data-kind": "json", placeholder: '{"name": "[NAME_1]"}' });
  return el("input", { name, "data-kind": "string", required: "" });
}

function toolForm(tool) {
  const props = tool.parameters.properties ?? {};
  const op = tool.name.replace(/_/g, ".");
  const form = el(
    "form",
    { class: "tool", "data-op": op },
    el("h4", {}, op),
    el("small", { class: "muted" }, tool.description),
    ...Object.entries(props).map(([name, schema]) => el("label", {}, name, fieldFor(name, schema))),
    el("button", { type: "submit" }, "Run"),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const args = {};
    for (const input of form.querySelectorAll("[name]")) {
      if (input.value === "" && input.dataset.kind !== "string") continue;
      args[input.name] =
        input.dataset.kind === "number"
          ? Number(input.value)
          : input.dataset.kind === "json"
            ? JSON.parse(input.value || "{}")
            : input.value;
    }
    await runTool(op, args);
  });
  return form;
}

async function runTool(op, args) {
  const res = await api(`/tasks/${state.task.taskId}/call`, { method: "POST", body: { op, args, ...state.keys } });
  const line = res.ok ? `${op}: ${JSON.stringify(res.result)}` : `${op} refused: ${res.error} (${res.message})`;
  $("#results").append(
    el("li", { class: res.ok ? "allowed" : "refused", "data-error": res.ok ? "" : res.error }, line),
  );
}

$("#signin").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("#signin-error").textContent = "";
  try {
    await api("/login", { method: "POST", body: { username: $("#username").value, password: $("#password").value } });
    await boot();
  } catch (err) {
    $("#signin-error").textContent = err.message;
  }
});
$("#signout").addEventListener("click", async () => {
  await api("/logout", { method: "POST", body: {} });
  state.keys = null;
  location.reload();
});
$("#refresh").addEventListener("click", loadQueue);
$("#reveal").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  await runTool("pii.reveal", { token: ev.target.token.value });
});
$("#complete").addEventListener("click", async () => {
  const done = await api(`/tasks/${state.task.taskId}/complete`, { method: "POST", body: {} });
  $("#task-status").textContent = done.status;
  $("#results").append(el("li", { class: "allowed" }, `task ${done.status}`));
  await loadQueue();
});
$("#handback").addEventListener("click", async () => {
  const res = await api(`/tasks/${state.task.taskId}/handback`, {
    method: "POST",
    body: { agent: $("#handback-agent").value },
  });
  $("#results").append(el("li", { class: "allowed" }, `handed back: ${res.outcome} (${res.assignee})`));
  state.keys = null;
  await loadQueue();
});
$("#export").addEventListener("click", async () => {
  const md = await api(`/tasks/${state.task.taskId}/procedure`);
  $("#procedure-draft").textContent = md;
  $("#procedure-draft").hidden = false;
});

boot();

export { api, el, renderMarkdown };
