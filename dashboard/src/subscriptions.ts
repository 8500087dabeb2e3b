/** Subscriptions panel: the schedules of the tenant, create one (cron read out, next 3 runs), pause/resume, run, delete. */

import { ApiError, del, get, itemsOf, patch, post } from "./api";
import { previewCron, timezones } from "./cron";
import { clear, el, formatTime, notice, toast } from "./dom";
import { currentToken, tokenClaims } from "./session";

/** The API's own reading of the schedule when it gives one, else the browser's (cronstrue). */
function describe(item: Subscription, cron: ReturnType<typeof previewCron> | null): string {
  const zone = item.schedule?.timezone ? ` (${item.schedule.timezone})` : "";
  if (item.scheduleDescription) return `${item.scheduleDescription}${zone}`;
  return cron && !(cron instanceof Error) ? cron.description : "";
}

export interface Subscription {
  subscriptionId: string;
  name?: string;
  reportType?: string;
  schedule?: { cron: string; timezone: string };
  scheduleDescription?: string;
  ownerId?: string;
  filters?: { trialId?: string | null; dateRange?: string };
  status?: "active" | "paused" | string;
  nextRunAt?: string | null;
  lastRunAt?: string | null;
  formats?: string[];
  channels?: { channel: string; recipients?: string[] }[];
}

const BASE = "/api/subscriptions";
const RANGES: Record<string, string> = {
  last_week: "Last week (Monday to Sunday)",
  last_7_days: "Last 7 days",
  last_30_days: "Last 30 days",
  month_to_date: "This month so far",
};
const FREQUENCIES: Record<string, string> = { daily: "Every day", weekly: "Every Monday", monthly: "On the 1st of each month", custom: "Custom (cron)" };

/** An admin sees the whole tenant's subscriptions (`?all=true`), a user their own. */
function subscriptionsListPath(): string {
  const token = currentToken();
  const roles = token ? tokenClaims(token)?.roles : undefined;
  return Array.isArray(roles) && roles.includes("admin") ? `${BASE}?all=true` : BASE;
}

export function subscriptionsPanel(root: HTMLElement, showJobs: (subscriptionId: string, name?: string) => void): { load: () => void } {
  let loadReportChoices = (): void => undefined;
  const listArea = el("div", { id: "s-list" });
  const createArea = el("div", { id: "s-create" });
  clear(root, el("h2", {}, "Subscriptions and schedules"), listArea, el("h3", {}, "New subscription"), createArea);
  createArea.append(createForm());

  async function load(): Promise<void> {
    loadReportChoices();
    clear(listArea, notice("loading", "Loading…"));
    try {
      const items = itemsOf<Subscription>(await get<unknown>(subscriptionsListPath()));
      clear(listArea, items.length ? table(items) : notice("empty", "No subscriptions yet."));
    } catch (error) {
      clear(
        listArea,
        notice("error", `Subscriptions: ${error instanceof ApiError ? error.describe() : String(error)}`),
      );
    }
  }

  async function act(what: string, action: () => Promise<unknown>, outcome = "done"): Promise<void> {
    try {
      await action();
      toast(`${what}: ${outcome}`);
    } catch (error) {
      toast(`${what}: ${error instanceof ApiError ? error.describe() : String(error)}`);
    }
    await load();
  }

  function table(items: Subscription[]): HTMLElement {
    const rows = items.map((item) => {
      const id = encodeURIComponent(item.subscriptionId);
      const paused = item.status === "paused";
      const cron = item.schedule ? previewCron(item.schedule.cron, item.schedule.timezone, 1) : null;
      const label = item.name ?? item.subscriptionId;
      const toggle = el("button", { type: "button", class: "s-toggle", "aria-label": `${paused ? "Resume" : "Pause"} ${label}` }, paused ? "Resume" : "Pause");
      toggle.addEventListener("click", () =>
        void act(paused ? "Resume" : "Pause", () =>
          patch(`${BASE}/${id}`, { status: paused ? "active" : "paused" }),
        ),
      );
      const run = el("button", { type: "button", class: "s-run", "aria-label": `Run now ${label}` }, "Run now");
      run.addEventListener("click", () => void act("Run now", () => post(`${BASE}/${id}/run`), "started; its status shows under Jobs"));
      const remove = el("button", { type: "button", class: "s-delete danger", "aria-label": `Delete ${label}` }, "Delete");
      remove.addEventListener("click", () => {
        if (window.confirm(`Delete the subscription "${item.name ?? item.subscriptionId}" and its future runs?`)) {
          void act("Delete", () => del(`${BASE}/${id}`));
        }
      });
      const jobs = el("button", { type: "button", class: "s-jobs", "aria-label": `Jobs of ${label}` }, "Jobs");
      jobs.addEventListener("click", () => showJobs(item.subscriptionId, item.name));
      return el(
        "tr",
        { "data-id": item.subscriptionId, "data-status": item.status ?? "" },
        el("td", {}, item.name ?? item.subscriptionId, item.ownerId ? el("div", { class: "muted" }, item.ownerId) : null),
        el("td", {}, item.reportType ?? "—", item.filters?.trialId ? el("div", { class: "muted" }, item.filters.trialId) : null),
        el(
          "td",
          {},
          el("code", {}, item.schedule?.cron ?? "—"),
          " ",
          item.schedule?.timezone ?? "",
          el("div", { class: "muted s-description" }, describe(item, cron)),
        ),
        el("td", {}, el("span", { class: `status status-${item.status ?? "unknown"}` }, item.status ?? "—")),
        el("td", {}, formatTime(item.nextRunAt)),
        el("td", {}, formatTime(item.lastRunAt)),
        el("td", {}, (item.formats ?? []).join(", ")),
        el("td", {}, (item.channels ?? []).map((c) => `${c.channel}: ${(c.recipients ?? []).join(", ")}`).join("; ")),
        el("td", { class: "actions" }, toggle, run, jobs, remove),
      );
    });
    return el(
      "table",
      { class: "records", id: "s-table" },
      el(
        "thead",
        {},
        el("tr", {}, ...["Name", "Report", "Schedule", "Status", "Next run", "Last run", "Formats", "Channels", ""].map((h) => el("th", {}, h))),
      ),
      el("tbody", {}, ...rows),
    );
  }

  function createForm(): HTMLElement {
    const name = el("input", { id: "s-name", name: "name", required: true, placeholder: "Weekly trial summary" });
    const reportType = el(
      "select",
      { id: "s-report-type", name: "reportType" },
      el("option", { value: "clinical_weekly" }, "Clinical-trial weekly summary"),
    );
    loadReportChoices = (): void => {
      void get<{ items: { id: string; name: string }[] }>("/api/reports?limit=100")
        .then((reply) => {
          for (const option of [...reportType.options].slice(1)) option.remove();
          reportType.append(...reply.items.map((r) => el("option", { value: `report:${r.id}` }, `Saved report: ${r.name}`)));
        })
        .catch(() => undefined);
    };
    const dateRange = el(
      "select",
      { id: "s-date-range", name: "dateRange" },
      ...Object.entries(RANGES).map(([value, label]) => el("option", { value }, label)),
    );
    const trial = el("input", { id: "s-trial", name: "trialId", placeholder: "your only trial when empty" });
    const formats = ["pdf", "csv", "xlsx"].map((f) => el("input", { type: "checkbox", name: "format", value: f, checked: f === "pdf" }));
    const recipients = el("input", { id: "s-recipients", name: "recipients", type: "text", required: true, placeholder: "a@example.com, b@example.com" });
    const cron = el("input", { id: "s-cron", name: "cron", required: true, value: "0 9 * * 1", spellcheck: "false" });
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    const timezone = el(
      "select",
      { id: "s-timezone", name: "timezone" },
      el("option", { value: browserZone, selected: true }, `${browserZone} (this browser)`),
      ...timezones()
        .filter((z) => z !== browserZone)
        .sort()
        .map((z) => el("option", { value: z }, z)),
    );
    const frequency = el(
      "select",
      { id: "s-frequency", "aria-label": "How often" },
      ...Object.entries(FREQUENCIES).map(([value, label]) => el("option", { value, selected: value === "weekly" }, label)),
    );
    const at = el("input", { id: "s-at", type: "time", value: "09:00", "aria-label": "At" });
    const cronLabel = el("label", { for: "s-cron" }, "Cron (5 fields)");
    const setCron = (): void => {
      const custom = frequency.value === "custom";
      cron.hidden = !custom;
      cronLabel.hidden = !custom;
      at.hidden = custom;
      if (!custom) {
        const [hour, minute] = (at.value || "09:00").split(":").map(Number);
        cron.value = { daily: `${minute} ${hour} * * *`, weekly: `${minute} ${hour} * * 1`, monthly: `${minute} ${hour} 1 * *` }[frequency.value] ?? cron.value;
      }
      refresh();
    };
    frequency.addEventListener("change", setCron);
    at.addEventListener("input", setCron);
    const claims = tokenClaims(currentToken() ?? "") ?? {};
    const addMe = el("button", { type: "button", id: "s-add-me", hidden: typeof claims.email !== "string" }, "Add me");
    addMe.addEventListener("click", () => {
      const mine = String(claims.email ?? "");
      const listed = recipients.value.split(/[,\s]+/).filter(Boolean);
      if (mine && !listed.includes(mine)) recipients.value = [...listed, mine].join(", ");
    });
    const preview = el("div", { class: "cron-preview", id: "s-cron-preview", "aria-live": "polite" });
    const message = el("p", { class: "form-message", id: "s-create-message", role: "alert" });
    const refresh = (): void => {
      const result = previewCron(cron.value, timezone.value);
      if (result instanceof Error) {
        clear(preview, el("p", { class: "invalid", id: "s-cron-error" }, result.message));
        return;
      }
      clear(
        preview,
        el("p", { id: "s-cron-description" }, result.description),
        result.warning ? el("p", { class: "invalid" }, result.warning) : null,
        el("p", {}, "Next runs:"),
        el("ol", { id: "s-next-runs" }, ...result.nextRuns.map((run) => el("li", {}, run))),
      );
    };
    cron.addEventListener("input", refresh);
    timezone.addEventListener("change", refresh);
    setCron();
    const form = el(
      "form",
      { class: "create", id: "s-form" },
      el("label", { for: "s-name" }, "Name"),
      name,
      el("label", { for: "s-report-type" }, "Report type"),
      reportType,
      el("label", { for: "s-trial" }, "Trial"),
      trial,
      el("label", { for: "s-date-range" }, "Date range"),
      dateRange,
      el("span", { class: "label" }, "Formats"),
      el("span", {}, ...formats.map((f) => el("label", { class: "check" }, f, ` ${f.value} `))),
      el("label", { for: "s-recipients" }, "Email recipients"),
      el("span", { class: "inline" }, recipients, addMe),
      el("label", { for: "s-frequency" }, "Schedule"),
      el("span", { class: "inline" }, frequency, at),
      cronLabel,
      cron,
      el("label", { for: "s-timezone" }, "Timezone"),
      timezone,
      preview,
      el("button", { type: "submit", id: "s-submit" }, "Create subscription"),
      message,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      message.textContent = "";
      message.className = "form-message";
      const [kind, reportId] = reportType.value.split(":");
      const body = {
        name: name.value.trim(),
        reportType: kind === "report" ? "report" : kind,
        ...(reportId ? { reportId } : {}),
        filters: trial.value.trim() ? { dateRange: dateRange.value, trialId: trial.value.trim() } : { dateRange: dateRange.value },
        formats: formats.filter((f) => f.checked).map((f) => f.value),
        channels: [
          {
            channel: "email",
            recipients: recipients.value.split(/[,\s]+/).map((r) => r.trim()).filter(Boolean),
          },
        ],
        schedule: { cron: cron.value.trim(), timezone: timezone.value },
      };
      void (async () => {
        try {
          const reply = await post<{ subscriptionId: string; status: string }>(BASE, body);
          message.textContent = `Created ${reply.subscriptionId} (${reply.status}).`;
          message.className = "form-message ok";
          form.reset();
          setCron();
          await load();
        } catch (error) {
          message.className = "form-message invalid";
          message.textContent = `Not created: ${error instanceof ApiError ? error.describe() : String(error)}`;
        }
      })();
    });
    return form;
  }

  return { load: () => void load() };
}
