// The approvals view: actions the proxy holds for the signed-in person's role,
// across tasks. A decision sends ids and approve/reject only; the proxy runs
// the held call itself (docs/approvals.md).
import { api, el, renderMarkdown } from "./console.js";

const $ = (sel) => document.querySelector(sel);

async function loadApprovals() {
  const { role, actions } = await api("/approvals");
  $("#approvals-role").textContent = role;
  const rows = [];
  for (const a of actions) {
    const details = el(
      "tr",
      { class: "details", "data-details": a.id, hidden: "" },
      el(
        "td",
        { colspan: "6" },
        el("h4", {}, "Conversation (tokenized)"),
        el(
          "ol",
          { class: "approval-transcript" },
          ...a.transcript.map((e) =>
            el("li", {}, el("strong", {}, e.role === "customer" ? "Customer: " : `${e.by}: `), e.text),
          ),
        ),
        el("h4", {}, "Records the agent read"),
        el("pre", {}, JSON.stringify(a.records, null, 2)),
        el("h4", {}, `Procedure (${a.proposedBy.replace(/^agent:/, "")}/instructions.md)`),
        el("article", { class: "markdown" }, renderMarkdown(a.procedure)),
      ),
    );
    rows.push(
      el(
        "tr",
        { "data-action": a.id },
        el("td", {}, el("input", { type: "checkbox", class: "pick", value: a.id, "aria-label": `Select ${a.id}` })),
        el("td", { class: "args" }, `${a.op} ${JSON.stringify(a.args)}`),
        el("td", {}, el("code", {}, a.taskId)),
        el("td", {}, a.proposedBy),
        el("td", {}, new Date(a.expiresAt).toLocaleTimeString()),
        el(
          "td",
          {},
          el(
            "button",
            {
              type: "button",
              class: "small",
              onclick: () => {
                details.hidden = !details.hidden;
              },
            },
            "Details",
          ),
        ),
      ),
      details,
    );
  }
  $("#approvals tbody").replaceChildren(...rows);
  $("#approvals-empty").hidden = actions.length > 0;
  $("#approvals-all").checked = false;
}

async function decide(decision) {
  const ids = [...document.querySelectorAll("#approvals .pick:checked")].map((c) => c.value);
  if (ids.length === 0) return;
  const { outcomes } = await api("/approvals/decide", { method: "POST", body: { ids, decision } });
  for (const o of outcomes) {
    const text =
      o.status === "approved"
        ? `${o.id} approved: ${o.refundId}`
        : o.status === "rejected"
          ? `${o.id} rejected`
          : `${o.id} ${o.status}: ${o.error} (${o.message})`;
    $("#approval-outcomes").append(el("li", { class: o.status, "data-action": o.id }, text));
  }
  await loadApprovals();
}

document.addEventListener("console:ready", () => void loadApprovals());
$("#approvals-refresh").addEventListener("click", () => void loadApprovals());
$("#approvals-all").addEventListener("change", (ev) => {
  for (const c of document.querySelectorAll("#approvals .pick")) c.checked = ev.target.checked;
});
$("#approve-selected").addEventListener("click", () => void decide("approve"));
$("#reject-selected").addEventListener("click", () => void decide("reject"));
