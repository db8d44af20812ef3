// Renders /openapi.json; a file, not an inline script, so the page's CSP allows no inline code.
const doc = await (await fetch("/openapi.json")).json();
const main = document.getElementById("ref");
main.textContent = "";
const byTag = {};
for (const [path, ops] of Object.entries(doc.paths))
  for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ??= []).push({ path, method, op });
const text = (tag, value, cls) =>
  Object.assign(document.createElement(tag), { textContent: value, className: cls ?? "" });
for (const [tag, ops] of Object.entries(byTag)) {
  main.append(text("h2", tag));
  for (const { path, method, op } of ops) {
    const d = document.createElement("details");
    const s = document.createElement("summary");
    s.append(text("span", method.toUpperCase(), `m ${method}`), `${path} — ${op.summary}`);
    const body = Object.assign(document.createElement("div"), { className: "body" });
    body.append(text("p", op.security ? `Auth: ${Object.keys(op.security[0]).join(", ")}` : "Auth: none", "auth"));
    const req = op.requestBody?.content["application/json"]?.schema;
    if (req) body.append(text("h4", "Request body"), text("pre", JSON.stringify(req, null, 2)));
    for (const [status, res] of Object.entries(op.responses)) {
      const [type, media] = Object.entries(res.content ?? {})[0] ?? [];
      body.append(
        text("h4", `${status} ${res.description} (${type ?? ""})`),
        text("pre", JSON.stringify(media?.schema ?? {}, null, 2)),
      );
    }
    d.append(s, body);
    main.append(d);
  }
}
