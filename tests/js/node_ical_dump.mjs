// Read .ics files with node-ical and print, as one JSON list, what it gives:
// one object per file with the calendar's NAME, X-WR-CALNAME, X-WR-CALDESC,
// DESCRIPTION, METHOD and its events (uid, summary, description, start:
// "YYYY-MM-DD" all-day, "YYYY-MM-DDTHH:MM:SSZ" timed).
// node-ical keeps a calendar's own text properties in its "vcalendar" entry,
// X- ones without their "X-" (X-WR-CALNAME is "WR-CALNAME"). Values are as it
// returns them, unchanged: a property with parameters is an object
// {params, val}, a repeated one a list.
// Usage: node node_ical_dump.mjs FILE.ics [FILE.ics ...]
import ical from "node-ical";

const pad = (n, width = 2) => String(n).padStart(width, "0");

function plain(value) {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function start(date) {
  if (!date) return null;
  // An all-day date is a Date at local midnight of that day, marked dateOnly.
  if (date.dateOnly) return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const result = process.argv.slice(2).map((path) => {
  const data = ical.sync.parseFile(path);
  const entries = Object.values(data);
  const calendar = data.vcalendar ?? {};
  // A calendar property that is not a plain string (one with parameters)
  // stays on the top-level object instead of moving into "vcalendar".
  const property = (key) => plain(calendar[key] ?? (data[key]?.type ? null : data[key]));
  return {
    path,
    name: property("name"),
    x_wr_calname: property("WR-CALNAME"),
    x_wr_caldesc: property("WR-CALDESC"),
    description: property("description"),
    method: property("method"),
    events: entries.filter((entry) => entry && entry.type === "VEVENT").map((event) => ({
      uid: plain(event.uid),
      summary: plain(event.summary),
      description: plain(event.description),
      start: start(event.start),
    })),
  };
});
process.stdout.write(JSON.stringify(result) + "\n");
