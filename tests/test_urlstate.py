"""Issue 11, item 20: a parameter repeated in the URL is one choice, shown as one chip."""
from apptest import no_errors, open_page


def test_a_repeated_channel_parameter_is_one_chip(small_app):
    at = open_page("channels", ch=["tmall", "tmall"])
    assert no_errors(at)
    assert at.multiselect(key="ch").value == ["tmall"]


def test_repeated_values_keep_the_order_of_their_first_appearance(small_app):
    at = open_page("channels", ch=["tmall", "storefront", "tmall"])
    assert at.multiselect(key="ch").value == ["tmall", "storefront"]
