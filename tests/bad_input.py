"""Nonsense that visitors (or robots) type into the funding explorer's address, with a part
of the plain message each must give. The FilterSet's tests and the explorer page's tests
both run over this one table: the first check the message, the second that it reaches the
page and that every award is still listed."""

EXPLORER_BAD_INPUT = [
    ({"amount_min": "abc"}, "smallest amount as a number"),
    ({"amount_max": "lots"}, "largest amount as a number"),
    ({"amount_max": "1e400"}, "cannot be above"),
    ({"amount_min": "NaN"}, "smallest amount as a number"),
    ({"amount_min": "-5"}, "cannot be below £0"),
    ({"amount_min": "500000", "amount_max": "1000"}, "smallest amount is larger"),
    ({"year_from": "2022", "year_to": "2019"}, "“from” year is after the “to” year"),
    ({"year_from": "twenty"}, "four figures"),
    ({"year_from": "99999"}, "four figures"),
    ({"year_to": "2020.5"}, "four figures"),
    (
        {"fy_from": "2022", "fy_to": "2019"},
        "“from” financial year is after the “to” financial year",
    ),
    ({"fy_from": "twenty"}, "financial year as the year it starts"),
    ({"fy_from": "2019-21"}, "2021 or 2021-22 for April 2021 to March 2022"),
    ({"fy_to": "1066"}, "between 1900 and 2100"),
    ({"fy_to": "20199"}, "financial year as the year it starts"),
    ({"fy_to": "2020.5"}, "financial year as the year it starts"),
    ({"funder": "no-such-funder"}, "no funder “no-such-funder”"),
    ({"funder_not": "no-such-funder"}, "no funder “no-such-funder” in the record to leave out"),
    ({"recipient_not": "x" * 10_000}, "no recipient “xxxx"),
    ({"programme_not": "'; DROP TABLE funding_award; --"}, "no programme"),
    ({"workstream_not": "ws\x00nul"}, "no workstream"),
    ({"region": "atlantis"}, "no nation or region “atlantis”"),
    ({"region": "North East"}, "no nation or region “North East”"),
    ({"region_not": "y" * 10_000}, "no nation or region “yyyy"),
    ({"recipient": "x" * 10_000}, "no recipient “xxxx"),
    ({"programme": 'it\'s "quoted"'}, "no programme"),
    ({"workstream": "ws\x00nul"}, "no workstream"),
    ({"status": "bogus"}, "not an award status"),
    ({"sort": "password"}, "cannot be sorted that way"),
    ({"q": "a" * 10_000}, "at most 200 characters"),
    ({"q": "nul\x00byte"}, "cannot be searched for"),
]

# Text the explorer searches for as it is, never as SQL, a pattern or markup.
LITERAL_TEXT = [
    "'; DROP TABLE funding_award; --",
    '" OR 1=1 --',
    "back\\slash",
    "%",
    "_",
    "100% cell",
    "<script>alert(1)</script>",
]
