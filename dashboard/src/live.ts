/**
 * Live status from `WebSocket /api/v1/reporting/stream` (token in the query string: browsers cannot set headers).
 * Panels subscribe to job and delivery updates; while the socket is closed, their pollers run instead, and the socket
 * is opened again with a growing delay.
 */

import { currentToken } from "./session";

export interface JobUpdate {
  type: "job";
  jobId: string;
  kind: string;
  subscriptionId: string | null;
  reportId: string | null;
  reportType: string;
  title: string;
  status: string;
  step: string;
  updatedAt: string;
  artifacts: { format: string; rowCount: number | null; sizeBytes: number | null }[];
  error: string | null;
}

export interface DeliveryUpdate {
  type: "delivery";
  deliveryId: string;
  jobId: string;
  subscriptionId: string | null;
  channel: string;
  recipient: string;
  status: string;
  attempts: number;
  updatedAt: string;
  lastError: string | null;
}

export type Update = JobUpdate | DeliveryUpdate;
type Listener = (update: Update) => void;
type StateListener = (open: boolean) => void;

const POLL_MS = 5000;
const STREAM_PATH = "/api/v1/reporting/stream";

class LiveStream {
  private socket: WebSocket | null = null;
  private listeners = new Set<Listener>();
  private stateListeners = new Set<StateListener>();
  private pollers = new Set<() => void>();
  private pollTimer: number | undefined;
  private retryTimer: number | undefined;
  private retryMs = 1000;
  private stopped = true;
  open = false;

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
    this.setOpen(false);
  }

  /** Called with every update; returns the unsubscribe. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: StateListener): void {
    this.stateListeners.add(listener);
    listener(this.open);
  }

  /** Run `poll` every few seconds while the socket is closed; returns the unsubscribe. */
  fallback(poll: () => void): () => void {
    this.pollers.add(poll);
    return () => this.pollers.delete(poll);
  }

  private connect(): void {
    const token = currentToken();
    if (this.stopped || !token) return;
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}${STREAM_PATH}?token=${encodeURIComponent(token)}`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.retryMs = 1000;
      this.setOpen(true);
    });
    socket.addEventListener("message", (event: MessageEvent) => {
      let update: Update;
      try {
        update = JSON.parse(String(event.data)) as Update;
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(update);
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.setOpen(false);
      if (this.stopped) return;
      this.retryTimer = window.setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    });
  }

  private setOpen(open: boolean): void {
    this.open = open;
    window.clearInterval(this.pollTimer);
    if (!open && !this.stopped) {
      this.pollTimer = window.setInterval(() => {
        for (const poll of this.pollers) poll();
      }, POLL_MS);
    }
    for (const listener of this.stateListeners) listener(open);
  }
}

export const live = new LiveStream();
