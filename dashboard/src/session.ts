/** The signed-in token: taken from `?token=` (then removed from the address bar) or pasted; kept in sessionStorage. */

const KEY = "report-platform.token";

export function takeTokenFromUrl(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  if (token.trim()) saveToken(token.trim());
  url.searchParams.delete("token");
  window.history.replaceState(null, "", url.pathname + url.search + url.hash);
}

export function currentToken(): string | null {
  return window.sessionStorage.getItem(KEY);
}

export function saveToken(token: string): void {
  window.sessionStorage.setItem(KEY, token.replace(/^Bearer\s+/i, "").trim());
}

export function forgetToken(): void {
  window.sessionStorage.removeItem(KEY);
}

/** The claims of a JWT, read without checking it (the API checks it); null when it is not a JWT. */
export function tokenClaims(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === "object" ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
