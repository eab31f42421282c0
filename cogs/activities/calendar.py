"""The iCalendar feed: activities and meetings as a .ics file calendar apps subscribe to.

Built with the `icalendar` library, not by hand: it escapes and folds the lines (RFC 5545),
and `add_missing_timezones` adds the VTIMEZONE that times given in the server's zone need,
so a calendar app shows 10:00 in Warsaw as 10:00 in Warsaw across daylight-saving changes.
Takes plain entries (the service reads them), so it holds no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

PRODUCT = "-//Gromada//Activities and meetings//EN"


@dataclass(frozen=True)
class Entry:
    uid: str
    title: str
    start: datetime
    end: datetime
    place: str = ""
    description: str = ""
    url: str | None = None
    stamp: datetime | None = None


def build(name: str, zone: str, entries: Iterable[Entry], now: datetime) -> bytes:
    # icalendar (about 4 MB) is loaded by the first feed asked for, not by every running bot.
    from icalendar import Calendar, Event

    tz = ZoneInfo(zone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", entry.stamp or now)
        event.add("summary", entry.title)
        event.add("dtstart", entry.start.astimezone(tz))
        event.add("dtend", entry.end.astimezone(tz))
        if entry.place:
            event.add("location", entry.place)
        if entry.description:
            event.add("description", entry.description)
        if entry.url:
            event.add("url", entry.url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
