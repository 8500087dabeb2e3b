/** The report builder: table, fields, group-by, aggregations, filters (each field's operators), date range, order,
 * row limit; Validate puts the API's messages beside the part they name; Save creates or replaces, Delete removes. */

import { ApiError, del, get, post, call } from "./api";
import { clear, el, notice, toast } from "./dom";

export interface FieldInfo {
  name: string;
  type: string;
  label: string;
  operators: string[];
  aggregations: string[];
  groupable: boolean;
  granularities: string[];
}
export interface TableInfo {
  name: string;
  label: string;
  description: string;
  time_field: string;
  fields: FieldInfo[];
}
interface TablesReply {
  tables: TableInfo[];
  default_row_limit: number;
  max_row_limit: number;
}
export interface Report {
  id: string;
  name: string;
  description?: string | null;
  query: Query;
  row_limit: number;
  is_public: boolean;
  created_by: string;
  updated_at: string;
}
interface Query {
  table: string;
  fields?: string[];
  group_by?: (string | { field: string; granularity?: string; alias?: string })[];
  aggregations?: { fn: string; field?: string; alias?: string }[];
  filters?: { field: string; op: string; value?: unknown }[];
  order_by?: { field: string; direction?: string }[];
  limit?: number;
}

/** Relative ranges on a time field, in words. */
export const DATE_PRESETS: Record<string, string> = {
  today: "Today",
  yesterday: "Yesterday",
  last_7_days: "Last 7 days",
  last_30_days: "Last 30 days",
  last_90_days: "Last 90 days",
  this_week: "This week",
  last_week: "Last week",
  this_month: "This month",
  last_month: "Last month",
};
const OPERATOR_WORDS: Record<string, string> = {
  eq: "is",
  neq: "is not",
  in: "is one of",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  between: "between",
};

let tablesCache: Promise<TablesReply> | null = null;
export function tables(): Promise<TablesReply> {
  tablesCache ??= get<TablesReply>("/api/reports/tables").catch((error: unknown) => {
    tablesCache = null;
    throw error;
  });
  return tablesCache;
}

const describe = (error: unknown): string => (error instanceof ApiError ? error.describe() : String(error));

/** Error messages and details of a refused query, each `part: problem`. */
function problemsOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [String(error)];
  const details = error.details
    .map((d) => (d && typeof d === "object" ? (d as Record<string, unknown>) : null))
    .filter((d): d is Record<string, unknown> => d !== null)
    .map((d) => (d.part ? `${String(d.part)}: ${String(d.problem ?? d.msg ?? "")}` : String(d.msg ?? d.message ?? "")));
  return details.length ? details : [error.message];
}

export function builderForm(
  root: HTMLElement,
  existing: Report | null,
  done: (saved: Report | null) => void,
): void {
  const message = el("div", { id: "b-message", role: "status" });
  clear(root, el("h3", {}, existing ? `Edit “${existing.name}”` : "New report"), notice("loading", "Loading the field catalog…"));
  void tables()
    .then((catalog) => render(catalog))
    .catch((error: unknown) => clear(root, notice("error", `Field catalog: ${describe(error)}`)));

  function render(catalog: TablesReply): void {
    const query: Query = existing ? structuredClone(existing.query) : { table: catalog.tables[0]?.name ?? "" };
    const name = el("input", { id: "b-name", required: true, maxlength: 255, value: existing?.name ?? "" });
    const description = el("input", { id: "b-description", maxlength: 2000, value: existing?.description ?? "" });
    const table = el(
      "select",
      { id: "b-table" },
      ...catalog.tables.map((t) => el("option", { value: t.name, selected: t.name === query.table }, t.label || t.name)),
    );
    const limit = el("input", {
      id: "b-limit",
      type: "number",
      min: 1,
      max: catalog.max_row_limit,
      value: existing?.row_limit ?? query.limit ?? catalog.default_row_limit,
    });
    const parts = el("div", { id: "b-parts" });
    const general = el("ul", { id: "b-errors", class: "invalid" });
    const save = el("button", { type: "submit", id: "b-save" }, existing ? "Save changes" : "Save report");
    const validate = el("button", { type: "button", id: "b-validate" }, "Validate");
    const cancel = el("button", { type: "button", id: "b-cancel" }, "Cancel");
    const remove = existing ? el("button", { type: "button", id: "b-delete", class: "danger" }, `Delete ${existing.name}`) : null;
    const form = el(
      "form",
      { id: "b-form", class: "builder" },
      el("label", { for: "b-name" }, "Name"),
      name,
      el("label", { for: "b-description" }, "Description"),
      description,
      el("label", { for: "b-table" }, "Table"),
      table,
      parts,
      el("label", { for: "b-limit" }, "Row limit"),
      limit,
      general,
      el("div", { class: "actions" }, validate, save, cancel, remove),
      message,
    );
    clear(root, el("h3", {}, existing ? `Edit “${existing.name}”` : "New report"), form);

    let current = catalog.tables.find((t) => t.name === query.table) ?? catalog.tables[0];
    const state = {
      fields: new Set(query.fields ?? []),
      groups: (query.group_by ?? []).map((g) => (typeof g === "string" ? { field: g, granularity: "" } : { field: g.field, granularity: g.granularity ?? "" })),
      aggregations: (query.aggregations ?? []).map((a) => ({ fn: a.fn, field: a.field ?? "", alias: a.alias ?? "" })),
      filters: (query.filters ?? [])
        .filter((f) => !(f.field === current?.time_field && f.op in DATE_PRESETS))
        .map((f) => ({ field: f.field, op: f.op, value: Array.isArray(f.value) ? f.value.join(", ") : f.value === undefined ? "" : String(f.value) })),
      range: (query.filters ?? []).find((f) => f.field === current?.time_field && f.op in DATE_PRESETS)?.op ?? "",
      order: (query.order_by ?? []).map((o) => ({ field: o.field, direction: o.direction ?? "asc" })),
    };

    table.addEventListener("change", () => {
      current = catalog.tables.find((t) => t.name === table.value) ?? current;
      state.fields.clear();
      state.groups = [];
      state.aggregations = [];
      state.filters = [];
      state.order = [];
      state.range = "";
      drawParts();
    });

    const fieldOptions = (fields: FieldInfo[], selected: string, blank?: string): HTMLOptionElement[] => [
      ...(blank !== undefined ? [el("option", { value: "" }, blank)] : []),
      ...fields.map((f) => el("option", { value: f.name, selected: f.name === selected }, f.label || f.name)),
    ];
    const slot = (part: string): HTMLElement => el("span", { class: "part-message invalid", "data-part-message": part });

    function section(title: string, id: string, ...rows: HTMLElement[]): HTMLElement {
      return el("fieldset", { id, class: "b-section" }, el("legend", {}, title), ...rows);
    }

    function drawParts(): void {
      const fields = current?.fields ?? [];
      const fieldChecks = fields.map((f) => {
        const box = el("input", { type: "checkbox", value: f.name, checked: state.fields.has(f.name), id: `b-field-${f.name}` });
        box.addEventListener("change", () => (box.checked ? state.fields.add(f.name) : state.fields.delete(f.name)));
        return el("label", { class: "check", for: `b-field-${f.name}` }, box, f.label || f.name);
      });
      const groupRows = state.groups.map((g, i) => {
        const field = el("select", { "aria-label": `Group by ${i + 1}: field`, class: "b-group-field" }, ...fieldOptions(fields.filter((f) => f.groupable), g.field));
        const info = fields.find((f) => f.name === g.field);
        const granularity = el(
          "select",
          { "aria-label": `Group by ${i + 1}: granularity`, class: "b-group-granularity", hidden: !info?.granularities.length },
          el("option", { value: "" }, "—"),
          ...(info?.granularities ?? []).map((u) => el("option", { value: u, selected: u === g.granularity }, `per ${u}`)),
        );
        field.addEventListener("change", () => {
          g.field = field.value;
          g.granularity = fields.find((f) => f.name === g.field)?.granularities[0] ?? "";
          drawParts();
        });
        granularity.addEventListener("change", () => (g.granularity = granularity.value));
        return row(`group_by[${i}]`, field, granularity, removeButton(`group ${i + 1}`, () => state.groups.splice(i, 1)));
      });
      const aggregationRows = state.aggregations.map((a, i) => {
        const fns = ["count", "count_distinct", "sum", "avg", "min", "max"];
        const fn = el("select", { "aria-label": `Aggregation ${i + 1}: function`, class: "b-agg-fn" }, ...fns.map((f) => el("option", { value: f, selected: f === a.fn }, f.replace("_", " "))));
        const usable = fields.filter((f) => f.aggregations.includes(a.fn));
        const field = el("select", { "aria-label": `Aggregation ${i + 1}: field`, class: "b-agg-field" }, ...fieldOptions(usable, a.field, a.fn === "count" ? "every row" : "field…"));
        const alias = el("input", { "aria-label": `Aggregation ${i + 1}: column name`, class: "b-agg-alias", placeholder: "column name", value: a.alias });
        fn.addEventListener("change", () => {
          a.fn = fn.value;
          drawParts();
        });
        field.addEventListener("change", () => (a.field = field.value));
        alias.addEventListener("input", () => (a.alias = alias.value));
        return row(`aggregations[${i}]`, fn, field, alias, removeButton(`aggregation ${i + 1}`, () => state.aggregations.splice(i, 1)));
      });
      const filterRows = state.filters.map((f, i) => {
        const field = el("select", { "aria-label": `Filter ${i + 1}: field`, class: "b-filter-field" }, ...fieldOptions(fields, f.field));
        const info = fields.find((x) => x.name === f.field);
        const ops = (info?.operators ?? []).filter((op) => !(op in DATE_PRESETS));
        const op = el("select", { "aria-label": `Filter ${i + 1}: operator`, class: "b-filter-op" }, ...ops.map((o) => el("option", { value: o, selected: o === f.op }, OPERATOR_WORDS[o] ?? o)));
        if (!ops.includes(f.op)) f.op = ops[0] ?? "eq";
        const value = el("input", {
          "aria-label": `Filter ${i + 1}: value`,
          class: "b-filter-value",
          value: f.value,
          placeholder: f.op === "in" || f.op === "between" ? "a, b" : "value",
        });
        field.addEventListener("change", () => {
          f.field = field.value;
          drawParts();
        });
        op.addEventListener("change", () => {
          f.op = op.value;
          value.placeholder = f.op === "in" || f.op === "between" ? "a, b" : "value";
        });
        value.addEventListener("input", () => (f.value = value.value));
        return row(`filters[${i}]`, field, op, value, removeButton(`filter ${i + 1}`, () => state.filters.splice(i, 1)));
      });
      const rangeSelect = el(
        "select",
        { id: "b-range", "aria-label": "Date range" },
        el("option", { value: "" }, "All time"),
        ...Object.entries(DATE_PRESETS).map(([value, label]) => el("option", { value, selected: value === state.range }, label)),
      );
      rangeSelect.addEventListener("change", () => (state.range = rangeSelect.value));
      const orderRows = state.order.map((o, i) => {
        const field = el("input", { "aria-label": `Order ${i + 1}: field or column`, class: "b-order-field", list: "b-columns", value: o.field });
        const direction = el("select", { "aria-label": `Order ${i + 1}: direction`, class: "b-order-direction" }, el("option", { value: "asc", selected: o.direction === "asc" }, "ascending"), el("option", { value: "desc", selected: o.direction === "desc" }, "descending"));
        field.addEventListener("input", () => (o.field = field.value));
        direction.addEventListener("change", () => (o.direction = direction.value));
        return row(`order_by[${i}]`, field, direction, removeButton(`order ${i + 1}`, () => state.order.splice(i, 1)));
      });
      const columns = el("datalist", { id: "b-columns" }, ...[...fields.map((f) => f.name), ...state.aggregations.map((a) => a.alias).filter(Boolean)].map((c) => el("option", { value: c })));
      clear(
        parts,
        section("Fields (when nothing is grouped)", "b-fields", el("div", { class: "checks" }, ...fieldChecks), slot("fields")),
        section("Group by", "b-groups", ...groupRows, addButton("b-add-group", "Add grouping", () => state.groups.push({ field: fields.find((f) => f.groupable)?.name ?? "", granularity: "" }))),
        section("Aggregations", "b-aggregations", ...aggregationRows, addButton("b-add-aggregation", "Add aggregation", () => state.aggregations.push({ fn: "count", field: "", alias: "" }))),
        section(
          "Filters",
          "b-filters",
          el("label", { for: "b-range" }, `Date range (${current?.time_field ?? "time"})`),
          rangeSelect,
          ...filterRows,
          addButton("b-add-filter", "Add filter", () => state.filters.push({ field: fields[0]?.name ?? "", op: fields[0]?.operators[0] ?? "eq", value: "" })),
        ),
        section("Order", "b-order", ...orderRows, columns, addButton("b-add-order", "Add ordering", () => state.order.push({ field: "", direction: "desc" }))),
      );
    }

    function row(part: string, ...controls: HTMLElement[]): HTMLElement {
      return el("div", { class: "b-row", "data-part": part }, ...controls, slot(part));
    }
    function removeButton(what: string, action: () => void): HTMLElement {
      const button = el("button", { type: "button", class: "b-remove", "aria-label": `Remove ${what}` }, "✕");
      button.addEventListener("click", () => {
        action();
        drawParts();
      });
      return button;
    }
    function addButton(id: string, label: string, action: () => void): HTMLElement {
      const button = el("button", { type: "button", id }, label);
      button.addEventListener("click", () => {
        action();
        drawParts();
      });
      return button;
    }

    function valueOf(text: string, op: string, type: string): unknown {
      const one = (v: string): unknown => (["bigint", "double", "integer", "int"].includes(type) && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : v.trim());
      if (op === "in" || op === "between") return text.split(",").map(one);
      return one(text);
    }

    function built(): Query {
      const fields = current?.fields ?? [];
      const q: Query = { table: current?.name ?? table.value };
      if (state.groups.length) q.group_by = state.groups.map((g) => (g.granularity ? { field: g.field, granularity: g.granularity } : g.field));
      if (state.aggregations.length) q.aggregations = state.aggregations.map((a) => ({ fn: a.fn, ...(a.field ? { field: a.field } : {}), ...(a.alias ? { alias: a.alias } : {}) }));
      if (!q.group_by && !q.aggregations && state.fields.size) q.fields = [...state.fields];
      const filters = state.filters.map((f) => ({ field: f.field, op: f.op, value: valueOf(f.value, f.op, fields.find((x) => x.name === f.field)?.type ?? "") }));
      if (state.range && current) filters.unshift({ field: current.time_field, op: state.range, value: undefined });
      if (filters.length) q.filters = filters.map((f) => (f.value === undefined ? { field: f.field, op: f.op } : f));
      if (state.order.length) q.order_by = state.order.map((o) => ({ field: o.field, direction: o.direction }));
      q.limit = Number(limit.value) || catalog.default_row_limit;
      return q;
    }

    /** Put each `part: problem` beside the part it names; the rest under the form. */
    function showProblems(problems: string[]): void {
      for (const node of form.querySelectorAll<HTMLElement>("[data-part-message]")) node.textContent = "";
      clear(general);
      for (const problem of problems) {
        const part = /^([a-z_]+(?:\[\d+\])?)/.exec(problem)?.[1] ?? "";
        const target = part ? form.querySelector<HTMLElement>(`[data-part-message="${CSS.escape(part)}"]`) : null;
        if (target) target.textContent = problem;
        else general.appendChild(el("li", {}, problem));
      }
    }

    async function check(): Promise<boolean> {
      try {
        const reply = await post<{ valid: boolean; errors: string[] }>("/api/reports/validate-query", { query: built() });
        showProblems(reply.errors);
        message.textContent = reply.valid ? "The query is valid." : "";
        return reply.valid;
      } catch (error) {
        showProblems(problemsOf(error));
        return false;
      }
    }

    validate.addEventListener("click", () => void check());
    cancel.addEventListener("click", () => done(null));
    remove?.addEventListener("click", () => {
      if (!existing || !window.confirm(`Delete the report “${existing.name}”?`)) return;
      void del(`/api/reports/${encodeURIComponent(existing.id)}`)
        .then(() => {
          toast(`Deleted “${existing.name}”`);
          done(null);
        })
        .catch((error: unknown) => showProblems(problemsOf(error)));
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void (async () => {
        message.textContent = "";
        if (!(await check())) return;
        const body = { name: name.value.trim(), description: description.value.trim() || null, query: built(), row_limit: Number(limit.value) || undefined, is_public: existing?.is_public ?? false };
        try {
          const saved = existing
            ? await call<Report>("PUT", `/api/reports/${encodeURIComponent(existing.id)}`, body)
            : await post<Report>("/api/reports", body);
          toast(`Saved “${saved.name}”`);
          done(saved);
        } catch (error) {
          showProblems(problemsOf(error));
        }
      })();
    });
    drawParts();
  }
}
