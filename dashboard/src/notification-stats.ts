/** Numbers of the notifications panel, from the report API's records: per day, per platform, received rate. */

export type Platform = "ios" | "android" | "iosEdition" | "androidEdition";
export const PLATFORMS: Platform[] = ["ios", "android", "iosEdition", "androidEdition"];
export const PLATFORM_NAMES: Record<Platform, string> = {
  ios: "iOS",
  android: "Android",
  iosEdition: "iOS edition",
  androidEdition: "Android edition",
};

export interface SenderReport {
  senderName: string;
  sentTime: string;
  platformStatistics?: { platform: string; recipientsCount: number } | null;
  totalRegistrationCount?: number | null;
}

export interface NotificationRecord {
  id: string;
  type: string;
  notification: { title?: string; message?: string; topics?: unknown[]; dryRun?: boolean };
  sentTime: string;
  reports?: SenderReport[];
  events?: { platformCounts?: Partial<Record<Platform | "total", number>> } | null;
}

/** `ios-edition`, `ios_edition`, `iosEdition` and `IOS_EDITION` are one platform. */
export function platformOf(name: string | undefined): Platform | null {
  const key = (name ?? "").toLowerCase().replace(/[^a-z]/g, "");
  const known: Record<string, Platform> = {
    ios: "ios",
    android: "android",
    iosedition: "iosEdition",
    androidedition: "androidEdition",
  };
  return known[key] ?? null;
}

export type PlatformCounts = Record<Platform, number>;

const zero = (): PlatformCounts => ({ ios: 0, android: 0, iosEdition: 0, androidEdition: 0 });

export function sentPerPlatform(record: NotificationRecord): PlatformCounts {
  const counts = zero();
  for (const report of record.reports ?? []) {
    const platform = platformOf(report.platformStatistics?.platform);
    if (platform) counts[platform] += report.platformStatistics?.recipientsCount ?? 0;
  }
  return counts;
}

export function receivedPerPlatform(record: NotificationRecord): PlatformCounts {
  const counts = zero();
  const given = record.events?.platformCounts ?? {};
  for (const platform of PLATFORMS) counts[platform] = given[platform] ?? 0;
  return counts;
}

const sum = (counts: PlatformCounts): number => PLATFORMS.reduce((total, p) => total + counts[p], 0);

/** Received over sent, or null when nothing was sent. */
export function receivedRate(received: number, sent: number): number | null {
  return sent > 0 ? received / sent : null;
}

export function overallRate(record: NotificationRecord): number | null {
  const total = record.events?.platformCounts?.total ?? sum(receivedPerPlatform(record));
  return receivedRate(total, sum(sentPerPlatform(record)));
}

export function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/** Every UTC day from `from` to `until` (both `YYYY-MM-DD`, inclusive). */
export function daysBetween(from: string, until: string): string[] {
  const days: string[] = [];
  const day = new Date(`${from}T00:00:00Z`);
  const last = new Date(`${until}T00:00:00Z`);
  while (day <= last && days.length < 400) {
    days.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

/** How many notifications were sent on each day of the range (UTC), zero days included. */
export function perDay(records: NotificationRecord[], days: string[]): { label: string; value: number }[] {
  const counts = new Map(days.map((d) => [d, 0]));
  for (const record of records) {
    const day = new Date(record.sentTime).toISOString().slice(0, 10);
    if (counts.has(day)) counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return days.map((d) => ({ label: d, value: counts.get(d) ?? 0 }));
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function daysAgo(days: number, now: Date = new Date()): string {
  const date = new Date(now);
  date.setUTCDate(date.getUTCDate() - days);
  return isoDay(date);
}
