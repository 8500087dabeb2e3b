/** The public HTTP API with the user's token. Errors arrive as `{error, message, details}`. */

import { currentToken } from "./session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }

  describe(): string {
    const details = this.details
      .map((d) => (d && typeof d === "object" ? describeDetail(d as Record<string, unknown>) : String(d)))
      .filter(Boolean);
    return details.length ? `${this.message}: ${details.join("; ")}` : this.message;
  }
}

function describeDetail(detail: Record<string, unknown>): string {
  const where = Array.isArray(detail.loc) ? detail.loc.join(".") : detail.field ?? detail.path ?? "";
  const what = detail.msg ?? detail.message ?? "";
  return [where, what].filter(Boolean).join(": ");
}

type UnauthorizedListener = (message: string) => void;
let onUnauthorized: UnauthorizedListener = () => undefined;

/** Called with the API's reason whenever it answers 401: the page then asks to sign in again. */
export function whenUnauthorized(listener: UnauthorizedListener): void {
  onUnauthorized = listener;
}

function headers(body: unknown): Headers {
  const result = new Headers({ accept: "application/json" });
  const token = currentToken();
  if (token) result.set("authorization", `Bearer ${token}`);
  if (body !== undefined) result.set("content-type", "application/json");
  return result;
}

async function failure(response: Response): Promise<ApiError> {
  let payload: Record<string, unknown> = {};
  try {
    payload = (await response.json()) as Record<string, unknown>;
  } catch {
    payload = {};
  }
  const message = typeof payload.message === "string" ? payload.message : `${response.status} ${response.statusText}`;
  const code = typeof payload.error === "string" ? payload.error : "";
  const details = Array.isArray(payload.details) ? payload.details : [];
  return new ApiError(response.status, code, message, details);
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const error = await failure(response);
    if (response.status === 401) onUnauthorized(error.message);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string): Promise<T> => call<T>("GET", path);
export const post = <T>(path: string, body?: unknown): Promise<T> => call<T>("POST", path, body ?? {});
export const patch = <T>(path: string, body: unknown): Promise<T> => call<T>("PATCH", path, body);
export const del = <T>(path: string): Promise<T> => call<T>("DELETE", path);

/** A list reply as an array, whether the route answers `[...]` or `{items: [...], cursor}`. */
export function itemsOf<T>(reply: unknown): T[] {
  if (Array.isArray(reply)) return reply as T[];
  if (reply && typeof reply === "object") {
    for (const key of ["items", "subscriptions", "schedules", "exports", "jobs", "deliveries"]) {
      const value = (reply as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}

export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * Downloads an export's artifact: the API answers 302 to a short-lived presigned URL; the browser follows it
 * (the token is not sent to the other origin) and the file is saved from a blob. A JSON `{url}` reply is followed too.
 */
export async function download(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: headers(undefined), redirect: "follow" });
  if (!response.ok) {
    const error = await failure(response);
    if (response.status === 401) onUnauthorized(error.message);
    throw error;
  }
  if ((response.headers.get("content-type") ?? "").startsWith("application/json")) {
    const reply = (await response.json()) as { url?: string };
    if (reply.url) {
      window.location.assign(reply.url);
      return;
    }
  }
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
