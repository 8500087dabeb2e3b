/** Notifications panel: date range and type, notifications per day, sent vs received per platform, paged records. */

import { ApiError, get, query } from "./api";
import { groupedBars, lineChart } from "./chart";
import { clear, el, formatTime, notice } from "./dom";
import {
  daysAgo,
  daysBetween,
  formatRate,
  isoDay,
  type NotificationRecord,
  overallRate,
  perDay,
  PLATFORM_NAMES,
  PLATFORMS,
  receivedPerPlatform,
  receivedRate,
  sentPerPlatform,
} from "./notification-stats";

interface Page {
  items: NotificationRecord[];
  cursor: string | null;
}

const CHART_PAGE = 200;
const CHART_MAX_PAGES = 50;

interface Filters {
  from: string;
  until: string;
  type: string;
  includeDryRun: boolean;
  pageSize: number;
}

export function notificationsPanel(root: HTMLElement): { load: () => void } {
  const state = {
    filters: { from: daysAgo(6), until: isoDay(new Date()), type: "", includeDryRun: false, pageSize: 25 } as Filters,
    cursors: [null] as (string | null)[],
    page: 0,
    types: new Set<string>(),
  };
  const fromInput = el("input", { type: "date", id: "n-from", name: "from", value: state.filters.from, required: true });
  const untilInput = el("input", { type: "date", id: "n-until", name: "until", value: state.filters.until, required: true });
  const typeSelect = el("select", { id: "n-type", name: "type" }, el("option", { value: "" }, "All types"));
  const dryRun = el("input", { type: "checkbox", id: "n-dry-run", name: "includeDryRun" });
  const pageSize = el(
    "select",
    { id: "n-page-size", name: "limit" },
    ...[10, 25, 50, 100].map((n) => el("option", { value: n, selected: n === state.filters.pageSize }, String(n))),
  );
  const form = el(
    "form",
    { class: "filters", id: "n-filters" },
    el("label", { for: "n-from" }, "From"),
    fromInput,
    el("label", { for: "n-until" }, "Until"),
    untilInput,
    el("label", { for: "n-type" }, "Type"),
    typeSelect,
    el("label", { class: "check" }, dryRun, " include dry runs"),
    el("label", { for: "n-page-size" }, "Per page"),
    pageSize,
    el("button", { type: "submit" }, "Show"),
  );
  const chartArea = el("div", { class: "chart-area", id: "n-chart" });
  const tableArea = el("div", { id: "n-table" });
  const pager = el("div", { class: "pager", id: "n-pager" });
  const detail = el("aside", { class: "detail", id: "n-detail", hidden: true, tabindex: -1, "aria-labelledby": "n-detail-title" });
  let opener: HTMLElement | null = null;
  const closeDetail = (): void => {
    detail.hidden = true;
    opener?.focus();
  };
  detail.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeDetail();
  });
  clear(
    root,
    el("h2", {}, "Notifications"),
    el("p", { class: "muted", id: "n-scope" }, "Push notifications sent by the whole platform (every tenant's), with what devices reported receiving."),
    form,
    el("h3", {}, "Notifications per day (UTC)"),
    chartArea,
    el("h3", {}, "Sent and received per notification"),
    tableArea,
    pager,
    detail,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    state.filters = {
      from: fromInput.value,
      until: untilInput.value,
      type: typeSelect.value,
      includeDryRun: dryRun.checked,
      pageSize: Number(pageSize.value),
    };
    load();
  });

  function params(limit: number, cursor: string | null): string {
    const f = state.filters;
    return query({
      type: f.type,
      from: `${f.from}T00:00:00Z`,
      until: `${f.until}T23:59:59Z`,
      includeDryRun: f.includeDryRun ? "true" : null,
      limit,
      cursor,
    });
  }

  function showFailure(area: HTMLElement, error: unknown, what: string): void {
    if (error instanceof ApiError) {
      clear(area, notice("error", `${what}: ${error.describe()}`));
    } else {
      clear(area, notice("error", `${what}: ${String(error)}`));
    }
  }

  function rememberTypes(items: NotificationRecord[]): void {
    for (const item of items) state.types.add(item.type);
    const known = new Set(Array.from(typeSelect.options, (o) => o.value));
    for (const type of Array.from(state.types).sort()) {
      if (!known.has(type)) typeSelect.append(el("option", { value: type }, type));
    }
  }

  /** Each load counts; an answer to a load that a newer one (other filters, another page) replaced is dropped. */
  let chartLoads = 0;
  let pageLoads = 0;

  async function loadChart(): Promise<void> {
    const run = (chartLoads += 1);
    clear(chartArea, notice("loading", "Loading…"));
    const items: NotificationRecord[] = [];
    let cursor: string | null = null;
    try {
      for (let page = 0; page < CHART_MAX_PAGES; page += 1) {
        const reply: Page = await get<Page>(`/api/notifications${params(CHART_PAGE, cursor)}`);
        if (run !== chartLoads) return;
        items.push(...reply.items);
        cursor = reply.cursor;
        if (!cursor) break;
      }
    } catch (error) {
      if (run === chartLoads) showFailure(chartArea, error, "Notifications per day");
      return;
    }
    rememberTypes(items);
    const days = daysBetween(state.filters.from, state.filters.until);
    const points = perDay(items, days);
    clear(
      chartArea,
      lineChart(points, `Notifications per day, ${state.filters.from} to ${state.filters.until}`),
      el("p", { class: "caption", id: "n-total" }, `${items.length} notifications over ${days.length} ${days.length === 1 ? "day" : "days"}`),
    );
  }

  async function loadPage(): Promise<void> {
    const run = (pageLoads += 1);
    clear(tableArea, notice("loading", "Loading…"));
    clear(pager);
    let reply: Page;
    try {
      reply = await get<Page>(`/api/notifications${params(state.filters.pageSize, state.cursors[state.page])}`);
    } catch (error) {
      if (run === pageLoads) showFailure(tableArea, error, "Notifications");
      return;
    }
    if (run !== pageLoads) return;
    rememberTypes(reply.items);
    state.cursors[state.page + 1] = reply.cursor;
    clear(tableArea, reply.items.length ? recordsTable(reply.items) : notice("empty", "No notifications in this range."));
    const previous = el("button", { type: "button", id: "n-previous", disabled: state.page === 0 }, "← Previous");
    const next = el("button", { type: "button", id: "n-next", disabled: !reply.cursor }, "Next →");
    previous.addEventListener("click", () => {
      state.page -= 1;
      void loadPage();
    });
    next.addEventListener("click", () => {
      state.page += 1;
      void loadPage();
    });
    clear(pager, previous, el("span", { id: "n-page" }, `Page ${state.page + 1}`), next);
  }

  function recordsTable(items: NotificationRecord[]): HTMLElement {
    const head = el(
      "tr",
      {},
      el("th", {}, "Sent"),
      el("th", {}, "Type"),
      el("th", {}, "Title"),
      ...PLATFORMS.map((p) => el("th", { class: "num" }, `${PLATFORM_NAMES[p]} sent / received`)),
      el("th", { class: "num" }, "Received (total)"),
      el("th", { class: "num" }, "Received rate"),
    );
    const rows = items.map((item) => {
      const sent = sentPerPlatform(item);
      const received = receivedPerPlatform(item);
      const row = el(
        "tr",
        { class: "clickable", "data-id": item.id, tabindex: 0 },
        el("td", {}, formatTime(item.sentTime)),
        el("td", {}, item.type),
        el("td", {}, item.notification?.title ?? "", item.notification?.dryRun ? el("span", { class: "badge" }, "dry run") : null),
        ...PLATFORMS.map((p) => el("td", { class: "num" }, `${sent[p]} / ${received[p]}`)),
        el("td", { class: "num total" }, item.events?.platformCounts?.total ?? PLATFORMS.reduce((n, p) => n + received[p], 0)),
        el("td", { class: "num rate" }, item.notification?.dryRun ? "dry run" : formatRate(overallRate(item))),
      );
      const open = (): void => {
        opener = row;
        void showDetail(item);
      };
      row.addEventListener("click", open);
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter") open();
      });
      return row;
    });
    return el("table", { class: "records", id: "n-records" }, el("thead", {}, head), el("tbody", {}, ...rows));
  }

  async function showDetail(item: NotificationRecord): Promise<void> {
    detail.hidden = false;
    clear(detail, notice("loading", "Loading…"));
    let record: NotificationRecord;
    try {
      record = await get<NotificationRecord>(`/api/notifications/${encodeURIComponent(item.id)}`);
    } catch (error) {
      showFailure(detail, error, "Notification");
      return;
    }
    const sent = sentPerPlatform(record);
    const received = receivedPerPlatform(record);
    const close = el("button", { type: "button", class: "close", id: "n-detail-close" }, "Close");
    close.addEventListener("click", closeDetail);
    clear(
      detail,
      close,
      el("h3", { id: "n-detail-title" }, record.notification?.title ?? record.id),
      el(
        "dl",
        {},
        el("dt", {}, "Id"),
        el("dd", {}, record.id),
        el("dt", {}, "Type"),
        el("dd", {}, record.type),
        el("dt", {}, "Sent"),
        el("dd", {}, formatTime(record.sentTime)),
        el("dt", {}, "Message"),
        el("dd", {}, record.notification?.message ?? ""),
        el("dt", {}, "Topics"),
        el("dd", {}, JSON.stringify(record.notification?.topics ?? [])),
        el("dt", {}, "Dry run"),
        el("dd", {}, record.notification?.dryRun ? "yes" : "no"),
        el("dt", {}, "Received rate"),
        el("dd", {}, formatRate(overallRate(record))),
      ),
      groupedBars(
        PLATFORMS.map((p) => ({
          label: PLATFORM_NAMES[p],
          bars: [
            { label: "sent", value: sent[p] },
            { label: "received", value: received[p] },
          ],
        })),
        "Sent and received per platform",
      ),
      el(
        "table",
        { class: "records" },
        el("thead", {}, el("tr", {}, el("th", {}, "Platform"), el("th", { class: "num" }, "Sent"), el("th", { class: "num" }, "Received"), el("th", { class: "num" }, "Rate"))),
        el(
          "tbody",
          {},
          ...PLATFORMS.map((p) =>
            el(
              "tr",
              {},
              el("td", {}, PLATFORM_NAMES[p]),
              el("td", { class: "num" }, sent[p]),
              el("td", { class: "num" }, received[p]),
              el("td", { class: "num" }, formatRate(receivedRate(received[p], sent[p]))),
            ),
          ),
        ),
      ),
      el("h4", {}, "Sender reports"),
      (record.reports ?? []).length
        ? el(
            "table",
            { class: "records", id: "n-detail-reports" },
            el("thead", {}, el("tr", {}, el("th", {}, "Sender"), el("th", {}, "Sent"), el("th", {}, "Platform"), el("th", { class: "num" }, "Recipients"), el("th", { class: "num" }, "Registrations"))),
            el(
              "tbody",
              {},
              ...(record.reports ?? []).map((r) =>
                el(
                  "tr",
                  {},
                  el("td", {}, r.senderName),
                  el("td", {}, formatTime(r.sentTime)),
                  el("td", {}, r.platformStatistics?.platform ?? "—"),
                  el("td", { class: "num" }, r.platformStatistics?.recipientsCount ?? "—"),
                  el("td", { class: "num" }, r.totalRegistrationCount ?? "—"),
                ),
              ),
            ),
          )
        : notice("empty", "No sender has reported yet."),
      el("h4", {}, "Received events"),
      el("pre", { class: "events" }, JSON.stringify(record.events ?? null, null, 2)),
    );
    detail.scrollIntoView({ block: "nearest" });
    detail.focus();
  }

  function load(): void {
    state.cursors = [null];
    state.page = 0;
    detail.hidden = true;
    void loadChart();
    void loadPage();
  }

  return { load };
}
