/** Jobs and exports panel: history with status, step, error, size and rows; download, retry a failed one; deliveries. */

import { ApiError, download, get, itemsOf, post } from "./api";
import { clear, el, formatBytes, formatTime, notice, toast } from "./dom";
import { live } from "./live";

export interface Artifact {
  format: string;
  sizeBytes?: number | null;
  rowCount?: number | null;
}

export interface Job {
  jobId: string;
  title?: string | null;
  subscriptionId?: string | null;
  status: "pending" | "processing" | "completed" | "partially_delivered" | "failed" | string;
  step?: string | null;
  createdAt?: string | null;
  completedAt?: string | null;
  error?: { step?: string; cause?: string } | null;
  artifacts?: Artifact[];
  deliveries?: Delivery[];
}

type Raw = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === "string" && value ? value : null);
const number = (value: unknown): number | null => (typeof value === "number" ? value : null);

/** A job of seed 001's `/api/jobs` shape as it is, or an export of seed 004's (`id`, `file_size`, `error_message`...). */
export function jobOf(raw: Raw): Job {
  if (typeof raw.jobId === "string") return raw as unknown as Job;
  const format = text(raw.format);
  const cause = text(raw.error_message) ?? text(raw.errorMessage);
  return {
    jobId: String(raw.exportId ?? raw.id ?? ""),
    title: text(raw.name) ?? text(raw.title),
    subscriptionId: text(raw.schedule_id) ?? text(raw.scheduleId) ?? text(raw.subscriptionId),
    status: String(raw.status ?? "unknown"),
    step: text(raw.step),
    createdAt: text(raw.created_at) ?? text(raw.createdAt),
    completedAt: text(raw.completed_at) ?? text(raw.completedAt),
    error: cause ? { step: text(raw.step) ?? undefined, cause } : null,
    artifacts: format
      ? [{ format, sizeBytes: number(raw.file_size) ?? number(raw.sizeBytes), rowCount: number(raw.row_count) ?? number(raw.rowCount) }]
      : [],
  };
}

const EXPORTS = "/api/reports/exports";

/** Every job of the subscriptions the caller sees (an admin: the tenant's), newest first: the history while the
 * exports list is not deployed. */
export interface Delivery {
  deliveryId: string;
  channel: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError?: string | null;
  updatedAt?: string | null;
}

function describeFailure(error: unknown, what: string): HTMLElement {
  return notice("error", `${what}: ${error instanceof ApiError ? error.describe() : String(error)}`);
}

export function jobsPanel(root: HTMLElement): { load: () => void; forSubscription: (id: string | null, name?: string) => void } {
  let subscriptionId: string | null = null;
  let subscriptionName: string | null = null;
  const heading = el("h3", { id: "j-heading" });
  const showAll = el("button", { type: "button", id: "j-all", hidden: true }, "Show all exports");
  const refresh = el("button", { type: "button", id: "j-refresh" }, "Refresh");
  const listArea = el("div", { id: "j-list" });
  const deliveries = el("section", { id: "j-deliveries", class: "detail", hidden: true });
  clear(root, el("h2", {}, "Jobs and exports"), el("div", { class: "filters" }, heading, showAll, refresh), listArea, deliveries);
  showAll.addEventListener("click", () => forSubscription(null));
  refresh.addEventListener("click", () => void load());
  let started = false;
  let reloadTimer: number | undefined;
  const reloadSoon = (): void => {
    window.clearTimeout(reloadTimer);
    reloadTimer = window.setTimeout(() => void load(), 300);
  };
  live.listen((update) => {
    if (!started || update.type !== "job") return;
    const row = listArea.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(update.jobId)}"]`);
    if (row && update.status !== "completed" && update.status !== "failed") {
      row.dataset.status = update.status;
      const pill = row.querySelector(".status");
      if (pill) {
        pill.className = `status status-${update.status}`;
        pill.textContent = update.status;
      }
      const step = row.querySelector(".j-step");
      if (step) step.textContent = update.step;
    } else {
      reloadSoon();
    }
  });
  live.fallback(() => {
    if (started && !root.hidden) void load();
  });

  async function load(): Promise<void> {
    started = true;
    heading.textContent = subscriptionId ? `Jobs of subscription ${subscriptionId}` : "All exports and jobs";
    showAll.hidden = subscriptionId === null;
    clear(listArea, notice("loading", "Loading…"));
    try {
      const jobs = subscriptionId
        ? itemsOf<Raw>(await get<unknown>(`/api/subscriptions/${encodeURIComponent(subscriptionId)}/jobs`))
            .map(jobOf)
            .map((job) => ({ ...job, title: job.title ?? subscriptionName }))
        : itemsOf<Raw>(await get<unknown>(EXPORTS)).map(jobOf);
      clear(listArea, jobs.length ? table(jobs) : notice("empty", "No jobs yet."));
    } catch (error) {
      clear(listArea, describeFailure(error, subscriptionId ? "Jobs" : "Exports"));
    }
  }

  function forSubscription(id: string | null, name?: string): void {
    subscriptionId = id;
    subscriptionName = name ?? null;
    deliveries.hidden = true;
    void load();
  }

  function table(jobs: Job[]): HTMLElement {
    const rows = jobs.map((job) => {
      const id = encodeURIComponent(job.jobId);
      const artifacts = job.artifacts ?? [];
      const downloads = artifacts.map((artifact) => {
        const button = el("button", { type: "button", class: "j-download", "data-format": artifact.format, "aria-label": `Download ${artifact.format} of ${job.title ?? job.jobId}` }, `Download ${artifact.format}`);
        button.addEventListener("click", () => {
          void download(`/api/reports/exports/${id}/download?format=${encodeURIComponent(artifact.format)}`, `${(job.title ?? job.jobId).replace(/[^A-Za-z0-9 ._-]+/g, "").trim().replace(/\s+/g, "-") || job.jobId}.${artifact.format}`).catch(
            (error: unknown) => toast(`Download: ${error instanceof ApiError ? error.describe() : String(error)}`),
          );
        });
        return button;
      });
      const retry = job.status === "failed" ? el("button", { type: "button", class: "j-retry", "aria-label": `Retry ${job.title ?? job.jobId}` }, "Retry") : null;
      retry?.addEventListener("click", () => {
        void (async () => {
          try {
            await post(`/api/reports/exports/${id}/retry`);
            toast("Retry: started");
          } catch (error) {
            toast(`Retry: ${error instanceof ApiError ? error.describe() : String(error)}`);
          }
          await load();
        })();
      });
      const showDeliveries = el("button", { type: "button", class: "j-deliveries", "aria-label": `Deliveries of ${job.title ?? job.jobId}` }, "Deliveries");
      showDeliveries.addEventListener("click", () => void loadDeliveries(job.jobId));
      return el(
        "tr",
        { "data-id": job.jobId, "data-status": job.status },
        el("td", {}, job.title ?? "—", el("div", { class: "muted" }, el("code", {}, job.jobId))),
        el("td", {}, job.subscriptionId ? el("code", { title: job.subscriptionId }, job.subscriptionId.slice(0, 16)) : "—"),
        el("td", {}, el("span", { class: `status status-${job.status}` }, job.status === "partially_delivered" ? "partially delivered" : job.status)),
        el("td", { class: "j-step" }, job.step ?? "—"),
        el("td", {}, formatTime(job.createdAt)),
        el("td", {}, formatTime(job.completedAt)),
        el("td", { class: "j-error" }, job.error ? [job.error.step, job.error.cause].filter(Boolean).join(": ") : "—"),
        el("td", { class: "num nowrap" }, ...(artifacts.length ? artifacts.map((a) => el("div", {}, `${a.format} ${formatBytes(a.sizeBytes)}`)) : ["—"])),
        el("td", { class: "num" }, artifacts.length ? String(Math.max(...artifacts.map((a) => a.rowCount ?? 0))) : "—"),
        el("td", { class: "actions" }, ...downloads, retry, showDeliveries),
      );
    });
    return el(
      "table",
      { class: "records", id: "j-table" },
      el(
        "thead",
        {},
        el("tr", {}, ...["Report", "Subscription", "Status", "Step", "Created", "Completed", "Error", "Size", "Rows", "Actions"].map((h) => el("th", {}, h))),
      ),
      el("tbody", {}, ...rows),
    );
  }

  async function loadDeliveries(jobId: string): Promise<void> {
    deliveries.hidden = false;
    clear(deliveries, el("h3", {}, `Deliveries of job ${jobId}`), notice("loading", "Loading…"));
    let items: Delivery[];
    try {
      items = itemsOf<Delivery>(await get<unknown>(`/api/jobs/${encodeURIComponent(jobId)}/deliveries`));
    } catch (error) {
      clear(deliveries, el("h3", {}, `Deliveries of job ${jobId}`), describeFailure(error, "Deliveries"));
      return;
    }
    clear(
      deliveries,
      el("h3", {}, `Deliveries of job ${jobId}`),
      items.length
        ? el(
            "table",
            { class: "records", id: "j-deliveries-table" },
            el("thead", {}, el("tr", {}, ...["Channel", "Recipient", "Status", "Attempts", "Last error", "Updated"].map((h) => el("th", {}, h)))),
            el(
              "tbody",
              {},
              ...items.map((d) =>
                el(
                  "tr",
                  { "data-id": d.deliveryId, "data-status": d.status },
                  el("td", {}, d.channel),
                  el("td", {}, d.recipient),
                  el("td", {}, el("span", { class: `status status-${d.status}` }, d.status)),
                  el("td", { class: "num" }, d.attempts),
                  el("td", {}, d.lastError ?? "—"),
                  el("td", {}, formatTime(d.updatedAt)),
                ),
              ),
            ),
          )
        : notice("empty", "No deliveries for this job."),
    );
  }

  return { load: () => void load(), forSubscription };
}
