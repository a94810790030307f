// Parse .ics files with Mozilla's ical.js and print what a calendar app
// would see, as JSON: one object per file with its calendar properties and
// events. Timed starts are given as UTC instants, all-day ones as dates.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function when(time) {
  if (!time) return null;
  if (time.isDate) return { date: time.toString() };
  return { utc: time.toJSDate().toISOString() };
}

const result = process.argv.slice(2).map((path) => {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      start: when(event.startDate),
      end: component.hasProperty("dtend") ? when(event.endDate) : null,
      sequence: event.sequence,
      transp: component.getFirstPropertyValue("transp"),
      status: component.getFirstPropertyValue("status"),
    };
  });
  return {
    path,
    name: calendar.getFirstPropertyValue("x-wr-calname"),
    events,
  };
});
process.stdout.write(JSON.stringify(result));
