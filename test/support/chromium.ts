/**
 * Which Chromium the browser tests drive, so `npm test` needs nothing but npm:
 * 1. CHROMIUM_PATH, when set (an explicit choice wins);
 * 2. the binary shipped inside the @sparticuz/chromium npm package (Linux x64),
 *    unpacked once into node_modules/.cache;
 * 3. a system Chromium (/usr/bin/chromium and friends).
 */
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";
import { ROOT } from "../../tools/local/system.ts";

const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export async function chromiumExecutable(): Promise<string> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) return explicit;
  const packaged = await packagedChromium();
  if (packaged) return packaged;
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (system) return system;
  throw new Error("no Chromium: run `npm install` (it brings @sparticuz/chromium on Linux x64), or set CHROMIUM_PATH");
}

/** The npm package's brotli-packed binary, unpacked next to node_modules; undefined where it does not apply. */
async function packagedChromium(): Promise<string | undefined> {
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  let packageDir: string;
  try {
    // The package's exports map hides package.json: resolve its entry (build/index.js).
    packageDir = dirname(dirname(createRequire(join(ROOT, "package.json")).resolve("@sparticuz/chromium")));
  } catch {
    return undefined;
  }
  const { version } = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as { version: string };
  const target = join(ROOT, "node_modules/.cache/chromium", version, "chromium");
  if (existsSync(target)) return target;
  await mkdir(dirname(target), { recursive: true });
  // Test files run in parallel processes: each unpacks to its own file and the
  // rename is atomic, so no process ever launches a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  try {
    await pipeline(
      createReadStream(join(packageDir, "bin/chromium.br")),
      createBrotliDecompress(),
      createWriteStream(partial, { mode: 0o755 }),
    );
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return target;
}
