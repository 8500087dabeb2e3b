/** A schedule's cron read out in words (cronstrue) and its next runs in its timezone (cron-parser), in the browser. */

import { CronExpressionParser } from "cron-parser/dist/CronExpressionParser.js";
import cronstrue from "cronstrue";

export interface CronPreview {
  description: string;
  nextRuns: string[];
  warning: string | null;
}

const MIN_INTERVAL_MS = 15 * 60 * 1000;

/** The preview, or an Error saying what is wrong with the expression or timezone. */
export function previewCron(expression: string, timezone: string, count = 3, now: Date = new Date()): CronPreview | Error {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return new Error("a schedule is 5 fields: minute hour day-of-month month day-of-week");
  if (!isTimezone(timezone)) return new Error(`unknown timezone ${timezone}`);
  let description: string;
  let runs: Date[];
  try {
    description = cronstrue.toString(expression, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
    const parsed = CronExpressionParser.parse(expression, { tz: timezone, currentDate: now });
    runs = Array.from({ length: count }, () => parsed.next().toDate());
  } catch (error) {
    return new Error(error instanceof Error ? error.message : String(error));
  }
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
  let warning: string | null = null;
  if (fields[2] !== "*" && fields[2] !== "?" && fields[4] !== "*" && fields[4] !== "?") {
    warning = "restricts both day of month and day of week: the API refuses this";
  } else if (runs.length > 1 && runs[1].getTime() - runs[0].getTime() < MIN_INTERVAL_MS) {
    warning = "fires more often than every 15 minutes: the API refuses this";
  }
  return { description: `${description} (${timezone})`, nextRuns: runs.map((run) => format.format(run)), warning };
}

export function isTimezone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function timezones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
