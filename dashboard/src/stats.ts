/** Delivery statistics (seed 003's `GET /api/v1/reporting/stats`): attempted, delivered, failed and average delivery
 * time per channel and report type over a chosen period, as a chart and a table. */

import { ApiError, get, query } from "./api";
import { groupedBars } from "./chart";
import { clear, el, notice } from "./dom";

interface StatsRow {
  timestamp: string;
  report_type: string;
  channel: string;
  deliveries_attempted: number;
  deliveries_successful: number;
  deliveries_failed: number;
  avg_delivery_time_ms: number | null;
}

const PERIODS: Record<string, number> = { "Last 24 hours": 1, "Last 7 days": 7, "Last 31 days": 31 };

export function statsPanel(root: HTMLElement): { load: () => void } {
  const period = el("select", { id: "d-period" }, ...Object.keys(PERIODS).map((label) => el("option", { value: String(PERIODS[label]) }, label)));
  const area = el("div", { id: "d-area" });
  clear(root, el("h2", {}, "Delivery statistics"), el("div", { class: "filters" }, el("label", { for: "d-period" }, "Period"), period), area);
  period.addEventListener("change", () => void load());

  async function load(): Promise<void> {
    clear(area, notice("loading", "Loading…"));
    const until = new Date();
    const from = new Date(until.getTime() - Number(period.value) * 86_400_000);
    let rows: StatsRow[];
    try {
      rows = (await get<{ stats: StatsRow[] }>(`/api/v1/reporting/stats${query({ from: from.toISOString(), until: until.toISOString() })}`)).stats;
    } catch (error) {
      clear(area, notice("error", `Statistics: ${error instanceof ApiError ? error.describe() : String(error)}`));
      return;
    }
    const groups = new Map<string, { attempted: number; delivered: number; failed: number; timeMs: number }>();
    for (const row of rows) {
      const key = `${row.channel}\u0000${row.report_type}`;
      const total = groups.get(key) ?? { attempted: 0, delivered: 0, failed: 0, timeMs: 0 };
      total.attempted += row.deliveries_attempted;
      total.delivered += row.deliveries_successful;
      total.failed += row.deliveries_failed;
      total.timeMs += (row.avg_delivery_time_ms ?? 0) * row.deliveries_successful;
      groups.set(key, total);
    }
    if (!groups.size) {
      clear(area, notice("empty", "No deliveries in this period."));
      return;
    }
    const entries = [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    const label = (key: string): string => key.split("\u0000").join(" · ");
    const chart = groupedBars(
      entries.map(([key, t]) => ({ label: label(key), bars: [{ label: "delivered", value: t.delivered }, { label: "failed", value: t.failed }] })),
      "Deliveries per channel and report type",
    );
    chart.setAttribute("role", "img");
    chart.setAttribute("aria-label", "Deliveries per channel and report type: delivered and failed");
    clear(
      area,
      chart,
      el(
        "div",
        { class: "scroll" },
        el(
          "table",
          { class: "records", id: "d-table" },
          el("thead", {}, el("tr", {}, ...["Channel", "Report type", "Attempted", "Delivered", "Failed", "Average delivery time"].map((h) => el("th", { scope: "col" }, h)))),
          el(
            "tbody",
            {},
            ...entries.map(([key, t]) => {
              const [channel, reportType] = key.split("\u0000");
              return el(
                "tr",
                {},
                el("td", {}, channel),
                el("td", {}, reportType),
                el("td", { class: "num" }, t.attempted),
                el("td", { class: "num" }, t.delivered),
                el("td", { class: "num" }, t.failed),
                el("td", { class: "num" }, t.delivered ? `${(t.timeMs / t.delivered / 1000).toFixed(2)} s` : "—"),
              );
            }),
          ),
        ),
      ),
    );
  }

  return { load: () => void load() };
}
