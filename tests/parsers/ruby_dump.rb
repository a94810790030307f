# Read .ics files with Ruby's icalendar gem and print, as one JSON list, what
# it gives: one object per file with the calendar's NAME, X-WR-CALNAME,
# X-WR-CALDESC, DESCRIPTION, METHOD and its events (uid, summary,
# description, start: "YYYY-MM-DD" all-day, "YYYY-MM-DDTHH:MM:SSZ" timed).
#
# The gem keeps every occurrence of a property in a list; the first one is
# reported, with its value as the gem returns it: a value it split at
# unescaped "," or ";" (an Icalendar::Values::Array) is a JSON list.
# NAME is the gem's ip_name, METHOD its ip_method; X- properties are custom.
#
# Usage: ruby ruby_dump.rb FILE.ics [FILE.ics ...]
require "stringio" # icalendar 2.8's parser uses StringIO without requiring it
require "json"
require "date"
require "icalendar"

def plain(value)
  case value
  when nil then nil
  when Icalendar::Values::Array then value.value.map { |item| plain(item) }
  when Icalendar::Value then plain(value.value)
  when Array then value.map { |item| plain(item) }
  when String then value
  else value.to_s
  end
end

# The first occurrence of a property, given the gem's list (or one value).
def first(value)
  value = value.first if value.is_a?(Array) && !value.is_a?(Icalendar::Values::Array)
  plain(value)
end

def start(event)
  dtstart = event.dtstart
  return nil if dtstart.nil?
  value = dtstart.respond_to?(:value) ? dtstart.value : dtstart
  if value.is_a?(DateTime) || value.is_a?(Time) || value.respond_to?(:utc)
    time = value.respond_to?(:utc) ? value.utc : value.new_offset(0)
    time.strftime("%Y-%m-%dT%H:%M:%SZ")
  elsif value.is_a?(Date)
    value.strftime("%Y-%m-%d")
  else
    value.to_s
  end
end

result = ARGV.map do |path|
  calendar = File.open(path, "r:UTF-8") { |io| Icalendar::Calendar.parse(io) }.first
  {
    path: path,
    name: first(calendar.ip_name),
    x_wr_calname: first(calendar.custom_property("x_wr_calname")),
    x_wr_caldesc: first(calendar.custom_property("x_wr_caldesc")),
    description: first(calendar.description),
    method: first(calendar.ip_method),
    events: calendar.events.map do |event|
      {
        uid: first(event.uid),
        summary: first(event.summary),
        description: first(event.description),
        start: start(event),
      }
    end,
  }
end
$stdout.write(JSON.generate(result), "\n")
