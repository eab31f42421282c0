"""The token and the address of the public pages."""

from cogs.public import rules


def test_tokens_are_long_random_and_url_safe():
    tokens = {rules.new_token() for _ in range(200)}

    assert len(tokens) == 200
    assert all(len(token) == 43 and rules.well_formed(token) for token in tokens)


def test_only_tokens_of_our_shape_are_looked_up():
    token = rules.new_token()

    assert not rules.well_formed(token[:-1])
    assert not rules.well_formed(token + "a")
    assert not rules.well_formed("../" + token[3:])
    assert not rules.well_formed(token[:-1] + "%")
    assert not rules.well_formed("")


def test_the_address_joins_the_base_and_the_token_once():
    assert rules.site_address("https://gromada.example.org/", "abc") == "https://gromada.example.org/s/abc/"
    assert rules.site_address("http://127.0.0.1:8080", "abc") == "http://127.0.0.1:8080/s/abc/"


def test_the_base_address_loses_only_its_final_slashes():
    # A base with a path (a reverse proxy's prefix) keeps every character of it.
    assert rules.site_address("https://example.org/pages/BOX//", "abc") == "https://example.org/pages/BOX/s/abc/"
    assert rules.site_address("https://example.org/hub-X", "abc") == "https://example.org/hub-X/s/abc/"
