// Read .ics files with Mozilla's ical.js and print, as one JSON list, what it
// gives: one object per file with the calendar's NAME, X-WR-CALNAME,
// X-WR-CALDESC, DESCRIPTION, METHOD and its events (uid, summary,
// description, start: "YYYY-MM-DD" all-day, "YYYY-MM-DDTHH:MM:SSZ" timed).
// Values are getFirstPropertyValue() as ical.js returns it, unchanged: a
// property it does not know keeps its escapes, a multi-valued one is a list.
// "alarms" lists every VALARM with its event's uid: action, description,
// trigger in seconds (negative: before) and its RELATED parameter (null: start).
// Usage: node icaljs_dump.mjs FILE.ics [FILE.ics ...]
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function plain(value) {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return value.toString();
}

function first(component, name) {
  const property = component.getFirstProperty(name);
  if (!property) return null;
  const values = property.getValues();
  return plain(values.length > 1 ? values : values[0]);
}

function start(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();
  if (time.zone === ICAL.Timezone.localTimezone) return time.toString(); // floating
  return time.toJSDate().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function alarms(calendar) {
  return calendar.getAllSubcomponents("vevent").flatMap((event) =>
    event.getAllSubcomponents("valarm").map((alarm) => {
      const trigger = alarm.getFirstProperty("trigger");
      return {
        uid: first(event, "uid"),
        action: first(alarm, "action"),
        description: first(alarm, "description"),
        trigger: trigger ? trigger.getFirstValue().toSeconds() : null,
        related: trigger ? trigger.getParameter("related") ?? null : null,
      };
    }));
}

const result = process.argv.slice(2).map((path) => {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  return {
    path,
    name: first(calendar, "name"),
    x_wr_calname: first(calendar, "x-wr-calname"),
    x_wr_caldesc: first(calendar, "x-wr-caldesc"),
    description: first(calendar, "description"),
    method: first(calendar, "method"),
    events: calendar.getAllSubcomponents("vevent").map((component) => ({
      uid: first(component, "uid"),
      summary: first(component, "summary"),
      description: first(component, "description"),
      start: start(component.getFirstPropertyValue("dtstart")),
    })),
    alarms: alarms(calendar),
  };
});
process.stdout.write(JSON.stringify(result) + "\n");
