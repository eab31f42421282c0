"""Nothing private ever reaches the public pages, and a forgotten person's name leaves them at once."""

import pytest
from aiohttp.test_utils import TestClient, TestServer

from gromada.i18n import LANGUAGES
from gromada.web import make_app
from models.polls import Poll
from tests.cogs.privacy.helpers import mark_paid, purchase_with_orders
from tests.cogs.public.helpers import ANONYMOUS_OBJECTION, community
from tests.helpers import shown

EVERY_PAGE = (
    "",
    "decisions",
    "decisions?q=statute",
    "ledger",
    "initiatives",
    "volunteers",
    "overview.json",
    "decisions.json",
    "ledger.json",
    "initiatives.json",
    "volunteers.json",
    "decisions.atom",
)


async def rendered(env, token: str) -> dict[str, str]:
    """Every page and data variant of the site, in every language."""
    pages = {}
    async with TestClient(TestServer(make_app(env.bot), host="127.0.0.1")) as client:
        for language in LANGUAGES:
            for name in EVERY_PAGE:
                separator = "&" if "?" in name else "?"
                response = await client.get(f"/s/{token}/{name}{separator}lang={language}")
                assert response.status == 200, (name, language)
                pages[f"{name} ({language})"] = await response.text()
    return pages


@pytest.mark.parametrize("names", ["off", "on"])
async def test_no_private_text_and_no_member_id_appears_on_any_page(simcord_env, names):
    seeded = await community(simcord_env)
    await seeded.server.admin.slash(seeded.server.general, "setup option", key="public_names", value=names)

    pages = await rendered(simcord_env, seeded.token)

    assert len(pages) == len(EVERY_PAGE) * len(LANGUAGES)
    ids = {str(member_id) for member_id in seeded.member_ids}
    assert len(ids) >= 8
    leaks = [(page, secret) for page, text in pages.items() for secret in [*seeded.private, *ids] if secret in text]
    assert not leaks, leaks[:5]
    # The same pages do show the community's public record.
    assert all("Where do we meet next?" in pages[f"decisions ({language})"] for language in LANGUAGES)


async def test_names_only_where_turned_on_never_for_anonymous_polls(simcord_env):
    seeded = await community(simcord_env)
    server = seeded.server
    people = {server.discord_member(actor).display_name for actor in (server.member, server.other_party)}

    hidden = await rendered(simcord_env, seeded.token)
    await server.admin.slash(server.general, "setup option", key="public_names", value="on")
    named = await rendered(simcord_env, seeded.token)

    assert not [(page, name) for page, text in hidden.items() for name in people if f">{name}<" in text]
    assert "(dmitrij)" in named["decisions (en)"]  # the objection is signed: the poll was open
    assert f"<strong>Object</strong>: {ANONYMOUS_OBJECTION}</li>" in named["decisions (en)"]  # never signed
    assert "dmitrij" in named["initiatives (en)"] and "borys" in named["volunteers (en)"]


async def test_forget_removes_a_persons_name_from_the_pages_at_once(simcord_env):
    seeded = await community(simcord_env)
    server = seeded.server
    await server.admin.slash(server.general, "setup option", key="public_names", value="on")
    jadwiga = server.add_member("jadwiga")
    await simcord_env.settle()
    purchase = await purchase_with_orders(server, "Spring honey", {jadwiga.id: "1"})
    await mark_paid(server, purchase, jadwiga.id)
    question = "Paint the hall green?"
    await server.admin.slash(server.general, "poll create", question=question, options="", kind="consent")
    consent = server.general.last_message
    modal = await jadwiga.click(consent, label="Object")
    await jadwiga.submit_modal(modal, {"reason": "Green makes the small room darker"})
    await server.admin.slash(server.general, "poll close", poll_id=(await Poll.get(question=question)).pk)
    before = await rendered(simcord_env, seeded.token)
    assert "jadwiga" in before["ledger (en)"] and "(jadwiga)" in before["decisions (en)"]

    preview = await jadwiga.slash(server.general, "privacy forget")
    done = await jadwiga.click(preview.response, label="Forget me")
    assert "Done." in shown(done)

    after = await rendered(simcord_env, seeded.token)
    assert not [page for page, text in after.items() if "jadwiga" in text]
    assert "Green makes the small room darker" not in after["decisions (en)"]
    assert "former member" in after["ledger (en)"]
