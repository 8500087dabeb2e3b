// Bundles src/ into dist/: assets/main-<hash>.js and .css, and index.html pointing at them. No network at run time.
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(here, "dist");
await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, "assets"), { recursive: true });

const result = await build({
  entryPoints: [path.join(here, "src", "main.ts"), path.join(here, "src", "styles.css")],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  outdir: path.join(dist, "assets"),
  entryNames: "[name]-[hash]",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
const script = outputs.find((name) => name.startsWith("main-") && name.endsWith(".js"));
const style = outputs.find((name) => name.startsWith("styles-") && name.endsWith(".css"));
if (!script || !style) throw new Error(`build produced no script or style: ${outputs.join(", ")}`);
const page = (await readFile(path.join(here, "src", "index.html"), "utf8"))
  .replace("%SCRIPT%", `/assets/${script}`)
  .replace("%STYLE%", `/assets/${style}`);
await writeFile(path.join(dist, "index.html"), page);
console.log(`dashboard built: dist/index.html, dist/assets/${script}, dist/assets/${style}`);
