/*
 * Read .ics files with libical (the library of Evolution, Thunderbird's
 * older core and many others) and print, as one JSON list, what it gives:
 * one object per file with the calendar's NAME, X-WR-CALNAME, X-WR-CALDESC,
 * DESCRIPTION, METHOD and its events (uid, summary, description, start:
 * "YYYY-MM-DD" all-day, "YYYY-MM-DDTHH:MM:SSZ" timed), and what libical
 * finds wrong with the file:
 *
 *   "parse_errors":       the X-LIC-ERROR properties the parser itself left
 *                         in the calendar or its components;
 *   "restriction_ok":     what icalrestriction_check() returns for the
 *                         VCALENDAR (true: it passes RFC 5546's rules for
 *                         its METHOD, or for no METHOD), run after the
 *                         parse errors are stripped, as Evolution does;
 *   "restriction_errors": the X-LIC-ERROR properties that check added.
 *
 * A text value is icalvalue_get_text() (unescaped by libical), an X- one
 * icalvalue_get_x(); any other kind icalvalue_as_ical_string().
 *
 * Build: gcc -o libical_dump libical_dump.c $(pkg-config --cflags --libs libical)
 * Usage: libical_dump FILE.ics [FILE.ics ...]
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_string(const char *s)
{
    if (s == NULL) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default:
            if (*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p); /* UTF-8 bytes pass through */
        }
    }
    putchar('"');
}

static char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size) {
        fclose(file);
        free(data);
        return NULL;
    }
    data[size] = '\0';
    fclose(file);
    return data;
}

/* The first property of a component with this name (X- names included). */
static icalproperty *find_property(icalcomponent *component, const char *name)
{
    for (icalproperty *prop = icalcomponent_get_first_property(component, ICAL_ANY_PROPERTY);
         prop != NULL; prop = icalcomponent_get_next_property(component, ICAL_ANY_PROPERTY)) {
        const char *prop_name = icalproperty_get_property_name(prop);
        if (prop_name != NULL && strcasecmp(prop_name, name) == 0)
            return prop;
    }
    return NULL;
}

static void print_value(icalproperty *prop)
{
    icalvalue *value = prop ? icalproperty_get_value(prop) : NULL;
    if (value == NULL) {
        fputs("null", stdout);
        return;
    }
    switch (icalvalue_isa(value)) {
    case ICAL_TEXT_VALUE: json_string(icalvalue_get_text(value)); break;
    case ICAL_X_VALUE: json_string(icalvalue_get_x(value)); break;
    default: json_string(icalvalue_as_ical_string(value));
    }
}

static void print_property(icalcomponent *component, const char *name)
{
    print_value(find_property(component, name));
}

static void print_start(icalcomponent *event)
{
    if (icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY) == NULL) {
        fputs("null", stdout);
        return;
    }
    struct icaltimetype start = icalcomponent_get_dtstart(event);
    char text[32];
    if (icaltime_is_null_time(start)) {
        fputs("null", stdout);
    } else if (start.is_date) {
        snprintf(text, sizeof text, "%04d-%02d-%02d", start.year, start.month, start.day);
        json_string(text);
    } else if (start.zone == NULL && !icaltime_is_utc(start)) { /* floating: as written */
        snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", start.year, start.month,
                 start.day, start.hour, start.minute, start.second);
        json_string(text);
    } else {
        struct icaltimetype utc = icaltime_convert_to_zone(start, icaltimezone_get_utc_timezone());
        snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.year, utc.month,
                 utc.day, utc.hour, utc.minute, utc.second);
        json_string(text);
    }
}

/* Every X-LIC-ERROR in component and below, as JSON objects; returns the
   count printed so far (for the commas). */
static int print_errors(icalcomponent *component, int count)
{
    for (icalproperty *prop = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY);
         prop != NULL; prop = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        icalparameter *type = icalproperty_get_first_parameter(prop, ICAL_XLICERRORTYPE_PARAMETER);
        fputs(count++ ? ",{\"component\":" : "{\"component\":", stdout);
        json_string(icalcomponent_kind_to_string(icalcomponent_isa(component)));
        fputs(",\"type\":", stdout);
        json_string(type ? icalparameter_enum_to_string(icalparameter_get_xlicerrortype(type)) : NULL);
        fputs(",\"message\":", stdout);
        json_string(icalproperty_get_xlicerror(prop));
        putchar('}');
    }
    for (icalcomponent *child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         child != NULL; child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT))
        count = print_errors(child, count);
    return count;
}

static void print_calendar(const char *path, icalcomponent *calendar)
{
    fputs("{\"path\":", stdout);
    json_string(path);
    fputs(",\"name\":", stdout);
    print_property(calendar, "NAME");
    fputs(",\"x_wr_calname\":", stdout);
    print_property(calendar, "X-WR-CALNAME");
    fputs(",\"x_wr_caldesc\":", stdout);
    print_property(calendar, "X-WR-CALDESC");
    fputs(",\"description\":", stdout);
    print_property(calendar, "DESCRIPTION");
    fputs(",\"method\":", stdout);
    print_property(calendar, "METHOD");
    fputs(",\"events\":[", stdout);
    int n = 0;
    for (icalcomponent *event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
         event != NULL; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        fputs(n++ ? ",{\"uid\":" : "{\"uid\":", stdout);
        print_property(event, "UID");
        fputs(",\"summary\":", stdout);
        print_property(event, "SUMMARY");
        fputs(",\"description\":", stdout);
        print_property(event, "DESCRIPTION");
        fputs(",\"start\":", stdout);
        print_start(event);
        putchar('}');
    }
    fputs("],\"parse_errors\":[", stdout);
    print_errors(calendar, 0);
    icalcomponent_strip_errors(calendar);
    int ok = icalrestriction_check(calendar);
    printf("],\"restriction_ok\":%s,\"restriction_errors\":[", ok ? "true" : "false");
    print_errors(calendar, 0);
    fputs("]}", stdout);
}

int main(int argc, char **argv)
{
    int status = 0;
    putchar('[');
    for (int i = 1; i < argc; i++) {
        char *data = read_file(argv[i]);
        if (data == NULL) {
            fprintf(stderr, "libical_dump: cannot read %s\n", argv[i]);
            return 2;
        }
        icalcomponent *root = icalparser_parse_string(data);
        free(data);
        icalcomponent *calendar = root;
        if (root != NULL && icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
            calendar = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
        if (i > 1)
            putchar(',');
        if (calendar == NULL) {
            fputs("null", stdout);
            fprintf(stderr, "libical_dump: no VCALENDAR in %s\n", argv[i]);
            status = 1;
        } else {
            print_calendar(argv[i], calendar);
        }
        if (root != NULL)
            icalcomponent_free(root);
    }
    puts("]");
    return status;
}
