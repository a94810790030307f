// Brings the ball-in-court panel up to the viewer's today when the page is
// opened days after it was built, and hides the notices that have ended by then. Without JavaScript the build-day values stand.
// It counts exactly as rules.py does: business days after one day up to and
// including another, Monday to Friday minus each party's days off, which the
// page carries (data-off-client, data-off-studio: days and first/last ranges).
// What it says comes from the page too (data-words, written from the catalog
// in the page's language), with the browser's plural rules and date format.
(() => {
  const DAY = 864e5;
  const parse = (text) => Date.parse(text + "T00:00Z");
  const now = new Date();
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  const find = (selector) => document.querySelector(selector);
  const asOf = find("[data-as-of]");
  if (!asOf || today <= parse(asOf.dateTime)) return;
  // A notice whose last day (data-until) has passed is hidden; the paper
  // trail still has it.
  for (const notice of document.querySelectorAll(".notice[data-until]")) {
    if (today > parse(notice.dataset.until)) notice.hidden = true;
  }
  const panel = find(".court");
  // A page without counts to bring up to date carries no words for them.
  if (!panel || !panel.dataset.words) return;
  // Beyond the days off the page carries, a count could be wrong: keep the build's.
  if (panel.dataset.until && today > parse(panel.dataset.until)) return;
  const daysOff = (text) => (text || "").split(" ").filter(Boolean)
    .map((range) => range.split("/").map(parse));
  const off = { studio: daysOff(panel.dataset.offStudio), client: daysOff(panel.dataset.offClient) };
  const works = (day, party) => new Date(day).getUTCDay() % 6 > 0
    && !off[party].some(([first, last = first]) => day >= first && day <= last);
  const businessDays = (start, end, party) => {
    if (end < start) return -businessDays(end, start, party);
    let count = 0;
    for (let day = start + DAY; day <= end; day += DAY) count += works(day, party);
    return count;
  };
  const words = JSON.parse(panel.dataset.words);
  const plural = new Intl.PluralRules(words.lang);
  const counted = (table, count) => (table[plural.select(count)] || table.other || table.many).replace("{n}", count);
  const days = (count) => counted(words.days, count);
  // English in the build's own pattern and names ("Tue 3 Nov 2026"); other
  // languages as their locale writes a date (CLDR's yMMMEd, as the build does).
  const date = new Date(today), house = words.date;
  const shown = house
    ? house.pattern.replace(/{(\w+)}/g, (_, part) => ({
      weekday: house.weekdays[(date.getUTCDay() + 6) % 7], day: date.getUTCDate(),
      month: house.months[date.getUTCMonth()], year: date.getUTCFullYear() })[part])
    : new Intl.DateTimeFormat(words.lang, { weekday: "short", day: "numeric", month: "short",
      year: "numeric", timeZone: "UTC" }).format(date);

  asOf.textContent = words.your_date.replace("{date}", shown);
  const zone = find("[data-zone]");
  if (zone) zone.hidden = true;
  // Before the start the waiting line is hidden behind "Starts …"; from
  // that day on it counts.
  const starts = find("[data-starts]"), waiting = find("[data-since]");
  if (starts && today >= parse(starts.dataset.starts)) {
    starts.hidden = true;
    if (waiting) waiting.hidden = false;
  }
  if (waiting && !waiting.hidden) {
    waiting.querySelector("strong").textContent =
      days(Math.max(businessDays(parse(waiting.dataset.since), today, waiting.dataset.party), 0));
  }
  const due = find("[data-due]");
  if (due) {
    const date = parse(due.dataset.due), left = businessDays(today, date, due.dataset.party);
    const late = -left, grace = +due.dataset.grace;
    const kind = left < 0 ? "overdue" : left <= words.soon ? "due-soon" : "on-time";
    due.className = "court-due court-due--" + kind;
    panel.className = panel.className.replace(/court--(overdue|due_soon|on_time)/, "court--" + kind.replace("-", "_"));
    due.querySelector("strong").textContent = left < 0 ? counted(words.ago, late)
      : left > 0 ? counted(words.in, left) : words.due_day[Math.sign(today - date) + 1];
    const pastGrace = find("[data-past-grace]"), graceLeft = find("[data-grace-left]");
    if (pastGrace) pastGrace.hidden = !(late > grace);
    if (graceLeft) {
      graceLeft.hidden = !(late > 0 && late <= grace);
      // What is left of the grace period, and what comes after it: the
      // consequence's own element goes back where the phrase names it.
      const consequence = graceLeft.querySelector(".consequence");
      const [table, last] = consequence ? words.grace : words.grace_plain;
      const rest = grace - late;
      if (!graceLeft.hidden) {
        const [before, after] = (rest ? counted(table, rest) : last).split("{consequence}");
        graceLeft.replaceChildren(before, ...(consequence ? [consequence, after] : []));
      }
    }
  }
  for (const decision of document.querySelectorAll("[data-proposed]")) {
    decision.textContent = counted(words.ago, Math.max(businessDays(parse(decision.dataset.proposed), today, "client"), 0));
  }
})();
