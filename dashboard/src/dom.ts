/** A tiny element builder: `el("td", {class: "num"}, "42")`. Text is always set as text, never parsed as HTML. */

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      node.addEventListener(name.replace(/^on/, ""), value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
}

function append(node: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  append(node, children);
}

/** A message in place of a panel part: an error, "nothing here" or "loading". */
export function notice(kind: "error" | "empty" | "loading", text: string): HTMLElement {
  return el("p", { class: `notice notice-${kind}`, "data-notice": kind }, text);
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

let toastTimer: number | undefined;

export function toast(text: string): void {
  const node = document.getElementById("toast");
  if (!node) return;
  node.textContent = text;
  node.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    node.hidden = true;
  }, 5000);
}

/** Every wide table under `root` scrolls inside its own box, which keyboard users can focus and screen readers name
 * (the page itself never scrolls sideways). Kept up as panels redraw. */
export function keepTablesScrollable(root: HTMLElement): void {
  const wrap = (): void => {
    for (const table of root.querySelectorAll<HTMLTableElement>("table.records")) {
      let box = table.parentElement;
      if (!box?.classList.contains("scroll")) {
        box = el("div", { class: "scroll" });
        table.replaceWith(box);
        box.appendChild(table);
      }
      if (box.getAttribute("role") === "region") continue;
      const heading = table.closest("section")?.querySelector("h3, h2")?.textContent ?? "Table";
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      box.setAttribute("aria-label", `${heading} (table)`);
    }
  };
  new MutationObserver(wrap).observe(root, { subtree: true, childList: true });
  wrap();
}
