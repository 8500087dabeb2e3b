/** Reports: the tenant's saved reports (name, table, owner, last export); open one for its definition, a paged
 * preview, one-click exports with live progress, its schedules and its export history; the builder for new ones. */

import { ApiError, download, get, itemsOf, post, query } from "./api";
import { builderForm, DATE_PRESETS, type Report } from "./builder";
import { previewCron, timezones } from "./cron";
import { clear, el, formatBytes, formatTime, notice, toast } from "./dom";
import { live } from "./live";

export interface ExportItem {
  id: string;
  report_id: string | null;
  schedule_id: string | null;
  name: string;
  format: string;
  status: string;
  step?: string | null;
  file_size: number | null;
  row_count: number | null;
  error_message: string | null;
  created_at: string;
  completed_at: string | null;
}
interface Schedule {
  id: string;
  report_id: string | null;
  name: string;
  cron_expression: string;
  timezone: string;
  schedule_description: string;
  format: string;
  delivery_method: string;
  recipients: string[];
  is_active: boolean;
  next_run_at: string | null;
}
interface PreviewPage {
  columns: { name: string; label: string; kind: string }[];
  rows: Record<string, unknown>[];
  next_cursor: string | null;
}

const describe = (error: unknown): string => (error instanceof ApiError ? error.describe() : String(error));
const FORMATS = ["csv", "pdf", "xlsx"];
const safeName = (name: string): string => name.replace(/[^A-Za-z0-9 ._-]+/g, "").trim().replace(/\s+/g, "-") || "report";

/** Every export the caller may see (following the cursor, at most 5 pages). */
export async function allExports(): Promise<ExportItem[]> {
  const items: ExportItem[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 5; page += 1) {
    const reply: { items: ExportItem[]; cursor?: string | null } = await get(`/api/reports/exports${query({ limit: 100, cursor })}`);
    items.push(...reply.items);
    cursor = reply.cursor ?? null;
    if (!cursor) break;
  }
  return items;
}

export function statusPill(status: string): HTMLElement {
  return el("span", { class: `status status-${status}` }, status.replace(/_/g, " "));
}

export function exportsTable(items: ExportItem[], id: string): HTMLElement {
  return el(
    "div",
    { class: "scroll" },
    el(
      "table",
      { class: "records", id },
      el("thead", {}, el("tr", {}, ...["Report", "Format", "Status", "Rows", "Size", "Created", "Error", "Actions"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...items.map((item) => exportRow(item))),
    ),
  );
}

function exportRow(item: ExportItem): HTMLElement {
  const actions = el("td", { class: "actions" });
  if (item.status === "completed") {
    const button = el("button", { type: "button", class: "x-download", "aria-label": `Download ${item.name} ${item.format.toUpperCase()}` }, "Download");
    button.addEventListener("click", () => void saveExport(item));
    actions.appendChild(button);
  }
  return el(
    "tr",
    { "data-id": item.id, "data-status": item.status },
    el("td", {}, item.name),
    el("td", {}, item.format.toUpperCase()),
    el("td", {}, statusPill(item.status)),
    el("td", { class: "num" }, item.row_count ?? "—"),
    el("td", { class: "num nowrap" }, formatBytes(item.file_size)),
    el("td", { class: "nowrap" }, formatTime(item.created_at)),
    el("td", {}, item.error_message ?? "—"),
    actions,
  );
}

export async function saveExport(item: { id: string; name: string; format: string }): Promise<void> {
  try {
    await download(`/api/reports/exports/${encodeURIComponent(item.id)}/download?format=${item.format}`, `${safeName(item.name)}.${item.format}`);
  } catch (error) {
    toast(`Download: ${describe(error)}`);
  }
}

export function reportsPanel(root: HTMLElement): { load: () => void } {
  const listArea = el("div", { id: "r-list" });
  const detail = el("section", { id: "r-detail", class: "detail", hidden: true, tabindex: -1, "aria-label": "Report" });
  const create = el("button", { type: "button", id: "r-new" }, "New report");
  clear(root, el("h2", {}, "Reports"), el("div", { class: "filters" }, create), listArea, detail);
  create.addEventListener("click", () => openBuilder(null));

  async function load(): Promise<void> {
    clear(listArea, notice("loading", "Loading…"));
    try {
      const [reports, exports] = await Promise.all([get<{ items: Report[] }>("/api/reports?limit=100"), allExports().catch(() => [])]);
      const last = new Map<string, ExportItem>();
      for (const item of exports) if (item.report_id && !last.has(item.report_id)) last.set(item.report_id, item);
      clear(listArea, reports.items.length ? table(reports.items, last) : notice("empty", "No reports yet: make one with “New report”."));
    } catch (error) {
      clear(listArea, notice("error", `Reports: ${describe(error)}`));
    }
  }

  function table(reports: Report[], last: Map<string, ExportItem>): HTMLElement {
    return el(
      "div",
      { class: "scroll" },
      el(
        "table",
        { class: "records", id: "r-table" },
        el("thead", {}, el("tr", {}, ...["Name", "Table", "Owner", "Last export", "Actions"].map((h) => el("th", { scope: "col" }, h)))),
        el(
          "tbody",
          {},
          ...reports.map((report) => {
            const open = el("button", { type: "button", class: "r-open", "aria-label": `Open ${report.name}` }, "Open");
            open.addEventListener("click", () => void openReport(report.id));
            const lastExport = last.get(report.id);
            return el(
              "tr",
              { "data-id": report.id },
              el("td", {}, report.name),
              el("td", {}, report.query.table),
              el("td", {}, report.created_by),
              lastExport ? el("td", {}, statusPill(lastExport.status), " ", formatTime(lastExport.created_at)) : el("td", {}, "never"),
              el("td", { class: "actions" }, open),
            );
          }),
        ),
      ),
    );
  }

  function openBuilder(report: Report | null): void {
    detail.hidden = false;
    builderForm(detail, report, (saved) => {
      void load();
      if (saved) void openReport(saved.id);
      else detail.hidden = true;
    });
    detail.focus();
  }

  async function openReport(id: string): Promise<void> {
    detail.hidden = false;
    clear(detail, notice("loading", "Loading…"));
    let report: Report;
    try {
      report = await get<Report>(`/api/reports/${encodeURIComponent(id)}`);
    } catch (error) {
      clear(detail, notice("error", `Report: ${describe(error)}`));
      return;
    }
    const edit = el("button", { type: "button", id: "r-edit" }, `Edit ${report.name}`);
    edit.addEventListener("click", () => openBuilder(report));
    const close = el("button", { type: "button", class: "close", "aria-label": "Close the report" }, "Close");
    close.addEventListener("click", () => {
      detail.hidden = true;
    });
    const preview = el("div", { id: "r-preview" });
    const exportArea = el("div", { id: "r-export" });
    const schedules = el("div", { id: "r-schedules" });
    const history = el("div", { id: "r-history" });
    clear(
      detail,
      close,
      el("h3", { id: "r-title" }, report.name),
      report.description ? el("p", {}, report.description) : null,
      definition(report),
      el("div", { class: "actions" }, edit),
      el("h4", {}, "Download"),
      exportArea,
      el("h4", {}, "Preview"),
      preview,
      el("h4", {}, "Schedules"),
      schedules,
      el("h4", {}, "Export history"),
      history,
    );
    detail.focus();
    exportButtons(report, exportArea, () => {
      void loadHistory(report, history);
      void load();
    });
    void loadPreview(report, preview, null, 1);
    void loadSchedules(report, schedules);
    void loadHistory(report, history);
  }

  return { load: () => void load() };
}

function definition(report: Report): HTMLElement {
  const q = report.query;
  const words = (items: unknown[] | undefined, show: (item: never) => string): string => (items?.length ? items.map((i) => show(i as never)).join(", ") : "—");
  return el(
    "dl",
    { id: "r-definition" },
    el("dt", {}, "Table"),
    el("dd", {}, q.table),
    el("dt", {}, "Group by"),
    el("dd", {}, words(q.group_by, (g: string | { field: string; granularity?: string }) => (typeof g === "string" ? g : `${g.field}${g.granularity ? ` per ${g.granularity}` : ""}`))),
    el("dt", {}, "Aggregations"),
    el("dd", {}, words(q.aggregations, (a: { fn: string; field?: string; alias?: string }) => `${a.fn}(${a.field ?? "*"})${a.alias ? ` as ${a.alias}` : ""}`)),
    el("dt", {}, "Filters"),
    el("dd", {}, words(q.filters, (f: { field: string; op: string; value?: unknown }) => (f.op in DATE_PRESETS ? `${f.field}: ${DATE_PRESETS[f.op]}` : `${f.field} ${f.op} ${JSON.stringify(f.value)}`))),
    el("dt", {}, "Order"),
    el("dd", {}, words(q.order_by, (o: { field: string; direction?: string }) => `${o.field} ${o.direction ?? "asc"}`)),
    el("dt", {}, "Row limit"),
    el("dd", {}, report.row_limit.toLocaleString("en")),
    el("dt", {}, "Owner"),
    el("dd", {}, report.created_by),
  );
}

const PREVIEW_PAGE = 20;

async function loadPreview(report: Report, area: HTMLElement, cursor: string | null, page: number, previous: (string | null)[] = []): Promise<void> {
  clear(area, notice("loading", "Running the query…"));
  let reply: PreviewPage;
  try {
    reply = await get<PreviewPage>(`/api/reports/${encodeURIComponent(report.id)}/preview${query({ limit: PREVIEW_PAGE, cursor })}`);
  } catch (error) {
    clear(area, notice("error", `Preview: ${describe(error)}`));
    return;
  }
  const back = el("button", { type: "button", id: "r-prev", disabled: page === 1 }, "Previous page");
  const next = el("button", { type: "button", id: "r-next", disabled: !reply.next_cursor }, "Next page");
  back.addEventListener("click", () => void loadPreview(report, area, previous[previous.length - 1] ?? null, page - 1, previous.slice(0, -1)));
  next.addEventListener("click", () => void loadPreview(report, area, reply.next_cursor, page + 1, [...previous, cursor]));
  clear(
    area,
    reply.rows.length
      ? el(
          "div",
          { class: "scroll" },
          el(
            "table",
            { class: "records", id: "r-preview-table", "data-page": page },
            el("thead", {}, el("tr", {}, ...reply.columns.map((c) => el("th", { scope: "col" }, c.label || c.name)))),
            el("tbody", {}, ...reply.rows.map((row) => el("tr", {}, ...reply.columns.map((c) => el("td", { class: c.kind === "text" ? "" : "num" }, row[c.name] === null || row[c.name] === undefined ? "—" : String(row[c.name])))))),
          ),
        )
      : notice("empty", "The query returns no rows."),
    el("div", { class: "pager" }, back, el("span", { id: "r-page" }, `Page ${page}`), next),
  );
}

/** One button per format: creates the export, follows it live (or by polling), downloads it when it completes. */
function exportButtons(report: Report, area: HTMLElement, changed: () => void): void {
  const progress = el("div", { id: "r-progress", role: "status", "aria-live": "polite" });
  const buttons = FORMATS.map((format) => {
    const button = el("button", { type: "button", class: "r-export", "data-format": format }, `Download ${format.toUpperCase()}`);
    button.addEventListener("click", () => void start(format));
    return button;
  });
  clear(area, el("div", { class: "actions" }, ...buttons), progress);

  async function start(format: string, retryOf?: string): Promise<void> {
    let item: ExportItem;
    try {
      item = retryOf
        ? await post<ExportItem>(`/api/reports/exports/${encodeURIComponent(retryOf)}/retry`)
        : await post<ExportItem>("/api/reports/exports", { report_id: report.id, format });
    } catch (error) {
      clear(progress, notice("error", `Export: ${describe(error)}`));
      return;
    }
    follow(item);
    changed();
  }

  function follow(item: ExportItem): void {
    const line = el("p", { class: "r-progress-line", "data-id": item.id, "data-status": item.status });
    clear(progress, line);
    let done = false;
    const draw = (current: ExportItem): void => {
      line.dataset.status = current.status;
      const rows = current.row_count !== null ? `${current.row_count.toLocaleString("en")} rows` : "";
      const size = current.file_size !== null ? formatBytes(current.file_size) : "";
      clear(line, `${current.format.toUpperCase()} export: `, statusPill(current.status), " ", [current.step && current.status === "processing" ? `(${current.step})` : "", rows, size].filter(Boolean).join(" · "));
      if (current.status === "failed") {
        const retry = el("button", { type: "button", id: "r-retry" }, "Retry");
        retry.addEventListener("click", () => void start(current.format, current.id));
        line.append(" ", el("span", { class: "invalid" }, current.error_message ?? "failed"), " ", retry);
      }
      if (!done && (current.status === "completed" || current.status === "failed" || current.status === "partially_delivered")) {
        done = true;
        stopLive();
        stopPoll();
        changed();
        if (current.status !== "failed") void saveExport({ ...current, name: report.name });
      }
    };
    const refresh = (): void => {
      void get<ExportItem>(`/api/reports/exports/${encodeURIComponent(item.id)}`).then(draw).catch(() => undefined);
    };
    const stopLive = live.listen((update) => {
      if (update.type === "job" && update.jobId === item.id) refresh();
    });
    const stopPoll = live.fallback(refresh);
    draw(item);
    refresh();
  }
}

async function loadHistory(report: Report, area: HTMLElement): Promise<void> {
  try {
    const items = (await allExports()).filter((x) => x.report_id === report.id);
    clear(area, items.length ? exportsTable(items, "r-history-table") : notice("empty", "No exports of this report yet."));
  } catch (error) {
    clear(area, notice("error", `Export history: ${describe(error)}`));
  }
}

async function loadSchedules(report: Report, area: HTMLElement): Promise<void> {
  let items: Schedule[];
  try {
    items = itemsOf<Schedule>(await get<unknown>("/api/reports/schedules?limit=100")).filter((s) => s.report_id === report.id);
  } catch (error) {
    clear(area, notice("error", `Schedules: ${describe(error)}`));
    return;
  }
  const list = items.length
    ? el(
        "ul",
        { id: "r-schedule-list" },
        ...items.map((s) => {
          const cron = previewCron(s.cron_expression, s.timezone, 3);
          return el(
            "li",
            { "data-id": s.id },
            el("strong", {}, s.name),
            ` — ${s.schedule_description || (cron instanceof Error ? s.cron_expression : cron.description)}; ${s.format.toUpperCase()} by ${s.delivery_method}`,
            s.recipients.length ? ` to ${s.recipients.join(", ")}` : "",
            s.is_active ? "" : " (paused)",
            cron instanceof Error ? null : el("div", { class: "muted" }, `Next: ${cron.nextRuns.join(" · ")}`),
          );
        }),
      )
    : notice("empty", "No schedules for this report.");
  clear(area, list, scheduleForm(report, () => void loadSchedules(report, area)));
}

function scheduleForm(report: Report, created: () => void): HTMLElement {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const zones = timezones().sort();
  const cron = el("input", { id: "rs-cron", value: "0 9 * * 1", "aria-describedby": "rs-reading" });
  const timezone = el("select", { id: "rs-timezone" }, el("option", { value: zone, selected: true }, `${zone} (this browser)`), ...zones.filter((z) => z !== zone).map((z) => el("option", { value: z }, z)));
  const format = el("select", { id: "rs-format" }, ...["pdf", "csv", "xlsx"].map((f) => el("option", { value: f }, f.toUpperCase())));
  const method = el("select", { id: "rs-method" }, el("option", { value: "email" }, "Email"), el("option", { value: "s3" }, "S3"), el("option", { value: "both" }, "Email and S3"));
  const recipients = el("input", { id: "rs-recipients", placeholder: "a@example.com, b@example.com" });
  const reading = el("div", { id: "rs-reading", class: "cron-preview" });
  const message = el("p", { id: "rs-message", role: "status" });
  const submit = el("button", { type: "submit" }, "Add schedule");
  const refresh = (): void => {
    const result = previewCron(cron.value, timezone.value, 3);
    if (result instanceof Error) {
      clear(reading, el("span", { class: "invalid" }, result.message));
      submit.disabled = true;
    } else {
      clear(reading, result.description, el("div", { class: "muted" }, `Next: ${result.nextRuns.join(" · ")}`), result.warning ? el("div", { class: "invalid" }, result.warning) : null);
      submit.disabled = Boolean(result.warning);
    }
  };
  cron.addEventListener("input", refresh);
  timezone.addEventListener("change", refresh);
  refresh();
  const form = el(
    "form",
    { id: "rs-form", class: "create" },
    el("label", { for: "rs-cron" }, "Schedule (cron)"),
    cron,
    reading,
    el("label", { for: "rs-timezone" }, "Timezone"),
    timezone,
    el("label", { for: "rs-format" }, "Format"),
    format,
    el("label", { for: "rs-method" }, "Delivery"),
    method,
    el("label", { for: "rs-recipients" }, "Email recipients"),
    recipients,
    submit,
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.textContent = "";
    void post("/api/reports/schedules", {
      report_id: report.id,
      name: `${report.name} (${format.value.toUpperCase()})`,
      cron_expression: cron.value.trim(),
      timezone: timezone.value,
      format: format.value,
      delivery_method: method.value,
      recipients: recipients.value.split(",").map((r) => r.trim()).filter(Boolean),
    })
      .then(() => {
        toast("Schedule added");
        created();
      })
      .catch((error: unknown) => {
        message.textContent = describe(error);
        message.className = "invalid";
      });
  });
  return form;
}
