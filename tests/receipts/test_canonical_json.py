"""Signatures cover RFC 8785 (JCS): receipts.signing.canonical_json against the RFC's published examples
(section 3.2.2 and 3.2.3, and the number serialisation table of appendix B), vendored here."""

import struct

import pytest

from receipts.signing import CanonicalizationError, canonical_json

# RFC 8785 appendix B: IEEE 754 double (hex) -> its JCS serialisation.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),  # minus zero
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("ieee", "expected"), APPENDIX_B)
def test_numbers_are_serialised_as_rfc8785_appendix_b(ieee, expected):
    (number,) = struct.unpack(">d", bytes.fromhex(ieee))
    assert canonical_json(number) == expected.encode()


@pytest.mark.parametrize("ieee", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinity_cannot_be_canonicalised(ieee):
    (number,) = struct.unpack(">d", bytes.fromhex(ieee))
    with pytest.raises(CanonicalizationError):
        canonical_json({"n": number})


def test_rfc8785_section_3_2_2_example():
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(value) == expected.encode("utf-8")


def test_rfc8785_section_3_2_3_sorts_keys_by_utf16_code_units():
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    # The RFC's expected bytes (UTF-8): \r, 1, U+0080, U+00F6, U+20AC, U+1F600 (a surrogate pair, D83D, sorts
    # before U+FB33 in UTF-16 although it is after it in code points), U+FB33.
    expected = bytes.fromhex(
        "7b225c72223a2243617272696167652052657475726e222c2231223a224f6e65222c22c280223a22436f6e74726f6c222c22"
        "c3b6223a224c6174696e20536d616c6c204c6574746572204f205769746820446961657265736973222c22e282ac223a2245"
        "75726f205369676e222c22f09f9880223a22456d6f6a693a204772696e6e696e672046616365222c22efacb3223a22486562"
        "726577204c65747465722044616c6574205769746820446167657368227d"
    )
    assert canonical_json(value) == expected


def test_a_whole_float_is_the_same_document_as_the_integer():
    assert canonical_json({"deal_id": 1069.0}) == canonical_json({"deal_id": 1069}) == b'{"deal_id":1069}'


@pytest.mark.parametrize("value", [{"n": 2**53}, {1: "non-string key"}, {"when": object()}])
def test_what_jcs_cannot_represent_is_refused(value):
    with pytest.raises(CanonicalizationError):
        canonical_json(value)
