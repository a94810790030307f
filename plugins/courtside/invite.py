"""The message a studio sends with a portal's link (``courtside invite``):
what the page is, that it is private, and how to put its milestones in a
calendar with one tap, in the portal's language.

It names one portal's link and its feed's, and nothing else: no other
project's address, never the studio dashboard's. Pure: a function of the
model, the links and the words.
"""

from __future__ import annotations

from dataclasses import dataclass

from .actions import greeting, one_line
from .filters import Words
from .i18n import isolated
from .model import Client, Project
from .portal import Subscription, calendar_name, subscription


@dataclass(frozen=True)
class Invitation:
    """One portal's link and the mail that goes with it."""

    #: The portal's absolute address.
    url: str
    subject: str
    body: str
    #: The feed's subscribe links; None when the project publishes no feed.
    calendar: Subscription | None


def invitation(client: Client, project: Project, *, url: str, feed_url: str | None,
               studio_name: str, words: Words) -> Invitation:
    """The mail that sends ``url``, the portal of ``project``, to ``client``:
    ``feed_url`` is its calendar feed (absolute), None without one."""
    _ = words.language.gettext
    calendar = subscription(feed_url, calendar_name(client, project)) if feed_url else None
    contact = client.contact.name if client.contact and client.contact.name else None
    paragraphs = [
        greeting(words, contact) if contact else _("Hello,"),
        _("Here is the page of your project %(project)s:") % {
            "project": words.quoted(project.title)} + "\n" + url,
        _("It shows at a glance whose turn it is, every step with its due date, what we "
          "agreed and every decision along the way. It is always up to date: bookmark it."),
        _("The link is private: anyone who has it can open the page, so please do not "
          "forward it."),
    ]
    if project.password_env:
        paragraphs[-1] += " " + _("The page asks for a password, which we send you separately.")
    if calendar is not None and calendar.webcal and calendar.google:
        paragraphs.append(
            _("To have every step in your calendar, open this link once on your phone or "
              "computer (Apple Calendar, Outlook and most calendar apps); your calendar then "
              "follows every change by itself:") + "\n" + calendar.webcal + "\n"
            + _("With Google Calendar, open this link instead:") + "\n" + calendar.google)
    paragraphs += [_("Questions? Just reply to this e-mail."),
                   _("Best regards,") + "\n" + one_line(studio_name)]
    return Invitation(
        url=url,
        subject=_("Your project page: %(project)s") % {"project": isolated(one_line(project.title))},
        body="\n\n".join(paragraphs) + "\n",
        calendar=calendar)
