"""What people read and click: the export summary, the forget preview, its confirmation and report.

The confirmation's two buttons are persistent (they survive restarts) and answer only the
member who asked; Forget hands off to flows.
"""

from __future__ import annotations

import discord

from cogs.privacy.rules import feature_name, pseudonym_label, reason_commands, reason_text
from cogs.privacy.service import Export, ForgetPlan, ForgetReport
from gromada.checks import require_guild
from gromada.commands import with_mentions
from gromada.i18n import N_, _, _n, translate
from gromada.ui import IdButton, ThePerson

# ---------------------------------------------------------------- what people read


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


def kept_lines(kept: dict[str, int], bot: discord.Client | None) -> list[str]:
    return [
        _n(
            "- {n} record: {reason}",
            "- {n} records: {reason}",
            count,
            reason=translate(reason_text(key, count), **with_mentions(bot, reason_commands(key))),
        )
        for key, count in sorted(kept.items())
    ]


def forget_preview(plan: ForgetPlan, bot: discord.Client | None) -> str:
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
        lines.extend(kept_lines(plan.kept_counts, bot))
    return "\n".join(lines)


def forget_report(report: ForgetReport, bot: discord.Client | None, channels_gone: bool = True) -> str:
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
        lines.extend(kept_lines(report.kept, bot))
    elif not report.deleted and not report.pseudonymised:
        lines.append(_("Gromada kept nothing about you here."))
    if not channels_gone:
        lines.append(_("I could not delete a channel made for you; an admin can delete it by hand."))
    return "\n".join(lines)


# ---------------------------------------------------------------- the forget confirmation


class _AskerButton(IdButton):
    """A confirmation button answering only the member who asked (never registered itself)."""

    owner = ThePerson(N_("Only the member who asked can answer this."))

    async def check(self, interaction: discord.Interaction) -> None:
        require_guild(interaction)


class ForgetButton(_AskerButton, action="privacy:forget"):
    style = discord.ButtonStyle.danger
    label_text = N_("Forget me")

    async def run(self, interaction: discord.Interaction) -> None:
        from cogs.privacy import flows

        # Acknowledge first: if Discord is unreachable nothing is erased; if the edit after
        # the erasure fails, the button stays and a second click reports what is left.
        await interaction.response.defer()
        report, channels_gone = await flows.forget(interaction.client, interaction.user)
        await interaction.edit_original_response(
            content=forget_report(report, interaction.client, channels_gone), view=None
        )


class KeepButton(_AskerButton, action="privacy:keep"):
    label_text = N_("Cancel")

    async def run(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=_("Nothing was erased."), view=None)


def confirmation(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(user_id))
    view.add_item(KeepButton(user_id))
    return view
