"""Place-name parsing with no I/O: "City, ST" / "City, Country" qualifiers, coordinates, aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}  # fmt: skip

CA_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario",
    "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan",
}  # fmt: skip

AU_STATES = {
    "NSW": "New South Wales", "VIC": "Victoria", "QLD": "Queensland", "WA": "Western Australia",
    "SA": "South Australia", "TAS": "Tasmania", "ACT": "Australian Capital Territory",
    "NT": "Northern Territory",
}  # fmt: skip

COUNTRIES = {
    "united states": "US", "united states of america": "US", "usa": "US", "us": "US",
    "america": "US", "united kingdom": "GB", "uk": "GB", "great britain": "GB",
    "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "france": "FR",
    "germany": "DE", "deutschland": "DE", "spain": "ES", "italy": "IT", "portugal": "PT",
    "netherlands": "NL", "holland": "NL", "belgium": "BE", "switzerland": "CH",
    "austria": "AT", "ireland": "IE", "norway": "NO", "sweden": "SE", "denmark": "DK",
    "finland": "FI", "iceland": "IS", "poland": "PL", "czechia": "CZ",
    "czech republic": "CZ", "greece": "GR", "turkey": "TR", "russia": "RU", "ukraine": "UA",
    "canada": "CA", "mexico": "MX", "brazil": "BR", "argentina": "AR", "chile": "CL",
    "peru": "PE", "colombia": "CO", "china": "CN", "japan": "JP", "south korea": "KR",
    "korea": "KR", "india": "IN", "australia": "AU", "new zealand": "NZ",
    "south africa": "ZA", "egypt": "EG", "nigeria": "NG", "kenya": "KE", "morocco": "MA",
    "israel": "IL", "saudi arabia": "SA", "united arab emirates": "AE", "uae": "AE",
    "singapore": "SG", "thailand": "TH", "vietnam": "VN", "indonesia": "ID",
    "philippines": "PH", "malaysia": "MY", "hong kong": "HK", "taiwan": "TW",
    "el salvador": "SV", "jamaica": "JM", "cuba": "CU", "liberia": "LR", "bahamas": "BS",
    "belize": "BZ", "georgia": "GE",
}  # fmt: skip

# ISO 3166-1 alpha-2 codes, accepted as qualifiers ("Paris, FR"), plus the common "UK".
_ISO_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR
    GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM
    KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG
    VI VN VU WF WS YE YT ZA ZM ZW UK"""
ISO_CODES = frozenset(_ISO_TEXT.split())

# Where people read temperatures in Fahrenheit.
FAHRENHEIT_COUNTRIES = frozenset(
    {"US", "PR", "GU", "VI", "AS", "MP", "UM", "LR", "BS", "BZ", "KY", "PW", "FM", "MH"}
)

CITY_ALIASES = {
    "旧金山": "San Francisco", "三藩市": "San Francisco", "舊金山": "San Francisco",
    "伦敦": "London", "倫敦": "London", "纽约": "New York", "紐約": "New York",
    "巴黎": "Paris", "东京": "Tokyo", "東京": "Tokyo", "北京": "Beijing", "上海": "Shanghai",
    "香港": "Hong Kong", "洛杉矶": "Los Angeles", "洛杉磯": "Los Angeles", "芝加哥": "Chicago",
    "西雅图": "Seattle", "西雅圖": "Seattle", "悉尼": "Sydney", "雪梨": "Sydney",
    "柏林": "Berlin", "罗马": "Rome", "羅馬": "Rome", "莫斯科": "Moscow", "首尔": "Seoul",
    "首爾": "Seoul", "大阪": "Osaka", "京都": "Kyoto", "奥斯陆": "Oslo", "奧斯陸": "Oslo",
    "广州": "Guangzhou", "深圳": "Shenzhen", "成都": "Chengdu", "杭州": "Hangzhou",
    "南京": "Nanjing", "武汉": "Wuhan", "西安": "Xi'an", "重庆": "Chongqing", "天津": "Tianjin",
    "台北": "Taipei", "新加坡": "Singapore", "曼谷": "Bangkok", "多伦多": "Toronto",
    "温哥华": "Vancouver", "波士顿": "Boston", "华盛顿": "Washington", "迈阿密": "Miami",
    "马德里": "Madrid", "巴塞罗那": "Barcelona", "阿姆斯特丹": "Amsterdam", "维也纳": "Vienna",
    "布拉格": "Prague", "迪拜": "Dubai", "墨尔本": "Melbourne", "奥克兰": "Auckland",
    "札幌": "Sapporo", "名古屋": "Nagoya", "横滨": "Yokohama", "福冈": "Fukuoka",
}  # fmt: skip

_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Qualifier:
    """What a "City, X" qualifier narrows to: a country, a first-level region, or both."""

    country_code: str | None
    admin1: str | None
    # An unrecognised qualifier is kept as text and matched against admin1/country names.
    text: str | None = None


def qualifier_readings(text: str) -> list[Qualifier]:
    """Every reading of a qualifier, preferred first: "GA" is Georgia (US), then Gabon.

    A US state abbreviation wins over a country code, as the Open-Meteo geocoder documents
    for admin1 abbreviations; the geocoder tries the next reading when the first finds nothing
    ("Berlin, DE" is not in Delaware).
    """
    raw = text.strip().strip(".").strip()
    if not raw:
        return []
    upper, lower = raw.upper(), raw.casefold()
    readings: list[Qualifier] = []
    for table, country in ((US_STATES, "US"), (CA_PROVINCES, "CA"), (AU_STATES, "AU")):
        for name in table.values():
            if lower == name.casefold():
                readings.append(Qualifier(country, name))
    if len(raw) == 2 and upper in US_STATES:
        readings.append(Qualifier("US", US_STATES[upper]))
    if len(raw) == 2 and upper in CA_PROVINCES:
        readings.append(Qualifier("CA", CA_PROVINCES[upper]))
    # "WA" and "SA" are words too; only the upper-case forms mean the Australian states.
    if raw.isupper() and upper in AU_STATES:
        readings.append(Qualifier("AU", AU_STATES[upper]))
    if lower in COUNTRIES:
        readings.append(Qualifier(COUNTRIES[lower], None))
    if len(raw) == 2 and raw.isalpha() and upper in ISO_CODES:
        readings.append(Qualifier("GB" if upper == "UK" else upper, None))
    return list(dict.fromkeys(readings))


def lookup_qualifier(text: str) -> Qualifier | None:
    """The preferred qualifier a state, province, country name or ISO code stands for."""
    readings = qualifier_readings(text)
    return readings[0] if readings else None


def split_query(query: str) -> tuple[str, str | None]:
    """("Paris", "TX") for "Paris, TX": split at the first comma; a second ends the qualifier."""
    # A full-width comma is what Chinese and Japanese keyboards type.
    query = query.replace("\uff0c", ",")
    if "," not in query:
        return query.strip(), None
    name, rest = query.split(",", 1)
    qualifier = rest.split(",", 1)[0].strip()
    return name.strip(), qualifier or None


def split_qualifier(query: str) -> tuple[str, Qualifier | None]:
    """("Paris", Qualifier("US", "Texas")) for "Paris, TX"; unknown text is kept as `text`."""
    name, raw = split_query(query)
    if raw is None:
        return name, None
    found = lookup_qualifier(raw)
    return name, found if found is not None else Qualifier(None, None, text=raw)


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) from "48.85,2.35", range-checked; None if the text is not coordinates."""
    match = _COORDS.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def uses_fahrenheit(country_code: str | None) -> bool:
    """Whether people in this country read temperatures in Fahrenheit."""
    return (country_code or "").upper() in FAHRENHEIT_COUNTRIES
