/** The dashboard: sign-in, then three panels over the public HTTP API (each loads when first shown). */

import { whenUnauthorized } from "./api";
import { clear, el, keepTablesScrollable } from "./dom";
import { inboxPanel } from "./inbox";
import { jobsPanel } from "./jobs";
import { live } from "./live";
import { reportsPanel } from "./reports";
import { statsPanel } from "./stats";
import { notificationsPanel } from "./notifications";
import { currentToken, forgetToken, saveToken, takeTokenFromUrl, tokenClaims } from "./session";
import { subscriptionsPanel } from "./subscriptions";

type PanelName = "notifications" | "subscriptions" | "jobs" | "reports" | "inbox" | "stats";
const PANELS: PanelName[] = ["notifications", "subscriptions", "jobs", "reports", "inbox", "stats"];

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

function boot(): void {
  const signin = byId<HTMLElement>("signin");
  const signinMessage = byId<HTMLElement>("signin-message");
  const signinForm = byId<HTMLFormElement>("signin-form");
  const signinToken = byId<HTMLTextAreaElement>("signin-token");
  const tabs = byId<HTMLElement>("tabs");
  const panels = byId<HTMLElement>("panels");
  const who = byId<HTMLElement>("who");

  keepTablesScrollable(panels);
  const jobs = jobsPanel(byId("panel-jobs"));
  const inbox = inboxPanel(byId("panel-inbox"), byId("inbox-count"));
  const liveState = byId<HTMLElement>("live-state");
  live.onState((open) => {
    liveState.textContent = open ? "Live" : "Updating every 5 s";
    liveState.dataset.open = String(open);
  });
  const loaders: Record<PanelName, () => void> = {
    notifications: notificationsPanel(byId("panel-notifications")).load,
    subscriptions: subscriptionsPanel(byId("panel-subscriptions"), (id, name) => {
      jobs.forSubscription(id, name);
      show("jobs", false);
    }).load,
    jobs: jobs.load,
    reports: reportsPanel(byId("panel-reports")).load,
    inbox: inbox.load,
    stats: statsPanel(byId("panel-stats")).load,
  };
  const loaded = new Set<PanelName>();

  function show(name: PanelName, load = true): void {
    for (const panel of PANELS) {
      byId(`panel-${panel}`).hidden = panel !== name;
      const tab = tabs.querySelector(`[data-panel="${panel}"]`);
      tab?.classList.toggle("active", panel === name);
      if (panel === name) tab?.setAttribute("aria-current", "page");
      else tab?.removeAttribute("aria-current");
    }
    if (window.location.hash !== `#${name}`) window.history.replaceState(null, "", `#${name}`);
    if (!loaded.has(name)) {
      loaded.add(name);
      if (load) loaders[name]();
    }
  }

  function signIn(message: string): void {
    loaded.clear();
    live.stop();
    liveState.hidden = true;
    panels.hidden = true;
    tabs.hidden = true;
    clear(who);
    signin.hidden = false;
    signinMessage.textContent = message;
    signinToken.focus();
  }

  function signedIn(token: string): void {
    const claims = tokenClaims(token) ?? {};
    const signOut = el("button", { type: "button", id: "sign-out" }, "Sign out");
    signOut.addEventListener("click", () => {
      forgetToken();
      signIn("Signed out. Paste a token to sign in.");
    });
    clear(who, el("span", { id: "who-name" }, `${String(claims.sub ?? "?")} · ${Array.isArray(claims.roles) && claims.roles.includes("admin") ? "admin" : "user"} · tenant ${String(claims.tenant ?? "?")}`), signOut);
    signin.hidden = true;
    tabs.hidden = false;
    liveState.hidden = false;
    live.start();
    inbox.count();
    panels.hidden = false;
    const wanted = window.location.hash.slice(1) as PanelName;
    show(PANELS.includes(wanted) ? wanted : "notifications");
  }

  /** Show the panels for a stored token; a token the API refuses brings the sign-in back (`whenUnauthorized`). */
  function start(): void {
    const token = currentToken();
    if (token) signedIn(token);
    else signIn("Sign in: paste your API token.");
  }

  whenUnauthorized((reason) => {
    forgetToken();
    signIn(`Your token was refused (${reason}). Sign in again: paste a valid token.`);
  });
  signinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!signinToken.value.trim()) return;
    saveToken(signinToken.value);
    signinToken.value = "";
    start();
  });
  for (const button of tabs.querySelectorAll<HTMLButtonElement>("button[data-panel]")) {
    button.addEventListener("click", () => show(button.dataset.panel as PanelName));
  }
  takeTokenFromUrl();
  start();
}

boot();
