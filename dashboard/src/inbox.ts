/** Inbox: the reports filed in the caller's dashboard inbox, newest first; open (download) and mark read; the unread
 * count in the header, kept current from the live stream (or by polling while it is closed). */

import { ApiError, download, get, post } from "./api";
import { clear, el, formatBytes, formatTime, notice, toast } from "./dom";
import { live } from "./live";

interface InboxItem {
  item_id: string;
  title: string;
  report_type: string;
  period: string;
  files: { export_id: string; format: string; size_bytes: number }[];
  read: boolean;
  created_at: string;
}

const describe = (error: unknown): string => (error instanceof ApiError ? error.describe() : String(error));

export function inboxPanel(root: HTMLElement, badge: HTMLElement): { load: () => void; count: () => void } {
  const listArea = el("div", { id: "i-list" });
  clear(root, el("h2", {}, "Inbox"), el("p", { class: "muted" }, "Reports delivered to your dashboard inbox."), listArea);

  async function count(): Promise<void> {
    try {
      const reply = await get<{ items: InboxItem[] }>("/api/inbox?unread=true&limit=100");
      const unread = reply.items.length;
      badge.textContent = unread ? String(unread) : "";
      badge.hidden = unread === 0;
      badge.setAttribute("aria-label", `${unread} unread`);
    } catch {
      badge.hidden = true;
    }
  }

  async function load(): Promise<void> {
    clear(listArea, notice("loading", "Loading…"));
    try {
      const reply = await get<{ items: InboxItem[] }>("/api/inbox?limit=50");
      clear(listArea, reply.items.length ? list(reply.items) : notice("empty", "Your inbox is empty."));
    } catch (error) {
      clear(listArea, notice("error", `Inbox: ${describe(error)}`));
    }
    void count();
  }

  function list(items: InboxItem[]): HTMLElement {
    return el(
      "ul",
      { class: "inbox", id: "i-items" },
      ...items.map((item) => {
        const files = item.files.map((file) => {
          const shown = `Open ${file.format.toUpperCase()} (${formatBytes(file.size_bytes)})`;
          const open = el("button", { type: "button", class: "i-open", "aria-label": `${shown}: ${item.title}` }, shown);
          open.addEventListener("click", () => {
            void download(`/api/reports/exports/${encodeURIComponent(file.export_id)}/download?format=${file.format}`, `${item.title.replace(/[^A-Za-z0-9 ._-]+/g, "").trim() || "report"}.${file.format}`)
              .then(() => markRead(item))
              .catch((error: unknown) => toast(`Open: ${describe(error)}`));
          });
          return open;
        });
        const mark = item.read ? null : el("button", { type: "button", class: "i-read", "aria-label": `Mark read: ${item.title}` }, "Mark read");
        mark?.addEventListener("click", () => void markRead(item));
        return el(
          "li",
          { class: item.read ? "read" : "unread", "data-id": item.item_id, "data-read": String(item.read) },
          el("strong", {}, item.title),
          item.read ? null : el("span", { class: "badge" }, "new"),
          el("div", { class: "muted" }, `${item.period} · ${formatTime(item.created_at)}`),
          el("div", { class: "actions" }, ...files, mark),
        );
      }),
    );
  }

  async function markRead(item: InboxItem): Promise<void> {
    if (item.read) return;
    try {
      await post(`/api/inbox/${encodeURIComponent(item.item_id)}/read`);
    } catch (error) {
      toast(`Mark read: ${describe(error)}`);
    }
    await load();
  }

  live.listen((update) => {
    if (update.type === "delivery" && update.channel === "inbox" && update.status === "delivered") {
      if (!root.hidden) void load();
      else void count();
    }
  });
  live.fallback(() => void count());
  return { load: () => void load(), count: () => void count() };
}
