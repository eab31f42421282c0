"""What people read: the export summary, the forget preview and report (no Discord here)."""

from __future__ import annotations

from cogs.privacy.rules import feature_name, pseudonym_label, reason_text
from cogs.privacy.service import Export, ForgetPlan, ForgetReport
from gromada.i18n import _, _n


def export_summary(server: str, export: Export) -> list[str]:
    lines = [_("**What Gromada keeps about you on {server}**", server=server)]
    for app, count in sorted(export.counts.items()):
        lines.append(_n("- {feature}: {n} record", "- {feature}: {n} records", count, feature=_(feature_name(app))))
    lines.append(
        _(
            "The attached file holds every record in full. Not included: mediators' private notes, "
            "anonymous poll ballots (they cannot be linked to you), and moderation cases unless "
            "this server shares them."
        )
    )
    return lines


def kept_lines(kept: dict[str, int]) -> list[str]:
    return [
        _n("- {n} record: {reason}", "- {n} records: {reason}", count, reason=_(reason_text(key)))
        for key, count in sorted(kept.items())
    ]


def forget_preview(plan: ForgetPlan) -> str:
    lines = [
        _("**Forget me on this server?**"),
        _(
            "Your onboarding answers, waitlists, your language preference and other records about you "
            "are erased. Records other people need (paid bills, closed mediation tickets, poll ballots, "
            "initiatives) stay, with a pseudonym instead of you, so totals and tallies do not change. "
            "This cannot be undone."
        ),
    ]
    if plan.kept:
        lines.append(_("**These stay for now:**"))
        lines.extend(kept_lines(plan.kept_counts))
    return "\n".join(lines)


def forget_report(report: ForgetReport, channels_gone: bool = True) -> str:
    lines = [_("**Done.**")]
    if report.deleted:
        lines.append(_n("{n} record about you was erased.", "{n} records about you were erased.", report.deleted))
    if report.pseudonymised:
        lines.append(
            _n(
                "{n} record now shows “{label}” instead of you.",
                "{n} records now show “{label}” instead of you.",
                report.pseudonymised,
                label=pseudonym_label(report.pseudonym),
            )
        )
    if report.kept:
        lines.append(_("**Not erased yet, and why:**"))
        lines.extend(kept_lines(report.kept))
    elif not report.deleted and not report.pseudonymised:
        lines.append(_("Gromada kept nothing about you here."))
    if not channels_gone:
        lines.append(_("I could not delete a channel made for you; an admin can delete it by hand."))
    return "\n".join(lines)
