import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { app } from "../src/router/index.ts";
import { openApiDocument } from "../src/router/openapi/document.ts";

/**
 * The README's API table is written by hand: it must name every route the
 * router's OpenAPI document has (but those of the widget and the console,
 * which one row covers), and no route the router does not have.
 */
const README = readFileSync(join(new URL("..", import.meta.url).pathname, "README.md"), "utf8");
const COVERED = ["/v1/widget/", "/console/api/"];

const readmeRoutes = () =>
  [...README.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE)` \| `([^`]+)` \|/gm)].map(
    ([, method, path]) => `${method} ${path!.split("?")[0]!.replace(/:(\w+)/g, "{$1}")}`,
  );
const documentRoutes = () => {
  const doc = openApiDocument(app) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );
};

describe("the README's API table", () => {
  it("names every route of the OpenAPI document, and only those", () => {
    const listed = readmeRoutes();
    const served = documentRoutes();
    expect(listed.length).toBeGreaterThan(10);
    expect(served.filter((r) => !COVERED.some((c) => r.split(" ")[1]!.startsWith(c)) && !listed.includes(r))).toEqual(
      [],
    );
    expect(listed.filter((r) => !served.includes(r))).toEqual([]);
  });
});
